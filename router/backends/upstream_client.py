"""The one way OpenAI-compatible backends reach a replica over HTTP.

Every upstream call goes through `UpstreamClient.request`, which never follows a redirect: a
307/308 from a replica would otherwise re-send the request body (the prompt) to whatever host
the replica names. The session is kept private so that no call site can forget this.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import MappingProxyType

import aiohttp

_JSON_HEADERS = MappingProxyType({"content-type": "application/json"})


class UpstreamClient:
    """A pooled aiohttp session, usable only through `request`."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    @asynccontextmanager
    async def request(
        self,
        method: str,
        url: str,
        *,
        data: bytes | None = None,
        time_limits: aiohttp.ClientTimeout | None = None,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """The response with its body unread; released (connection freed) on exit."""
        response = await self._session.request(
            method,
            url,
            data=data,
            headers=_JSON_HEADERS if data is not None else None,
            timeout=time_limits or self._session.timeout,
            allow_redirects=False,
        )
        try:
            yield response
        finally:
            # Unread, the body's connection is closed rather than pooled: a client that went
            # away thereby stops the model generating for nobody.
            response.release()

    async def close(self) -> None:
        await self._session.close()
