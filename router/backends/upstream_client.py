"""The one way OpenAI-compatible backends reach a replica over HTTP.

Every upstream call goes through `UpstreamClient.request`, which never follows a redirect: a
307/308 from a replica would otherwise re-send the request body (the prompt) to whatever host
the replica names. The session is kept private so that no call site can forget this.

The number of connections is bounded here rather than by aiohttp's connector: aiohttp counts
the wait for a free pooled connection inside its connect timeout, so a busy pool would look
like an unreachable replica and healthy replicas would be marked failed. Here a full pool is
its own error (503, the replica untouched) after its own, bounded wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import MappingProxyType

import aiohttp

from router.errors import UpstreamUnavailable

_JSON_HEADERS = MappingProxyType({"content-type": "application/json"})


class UpstreamClient:
    """A pooled aiohttp session, usable only through `request`.

    The session's connector must be unlimited: `max_connections` is enforced here.
    """

    def __init__(
        self, session: aiohttp.ClientSession, max_connections: int, pool_wait_seconds: float
    ) -> None:
        self._session = session
        self._slots = asyncio.Semaphore(max_connections)
        self._pool_wait = pool_wait_seconds

    @asynccontextmanager
    async def request(
        self,
        method: str,
        url: str,
        *,
        data: bytes | None = None,
        time_limits: aiohttp.ClientTimeout | None = None,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """The response with its body unread; released (connection freed) on exit.

        Raises `UpstreamUnavailable` when no connection frees up in time: that says nothing
        about the replica, so callers must not mark it failed.
        """
        await self._take_slot()
        try:
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
                # Unread, the body's connection is closed rather than pooled: a client that
                # went away thereby stops the model generating for nobody.
                response.release()
        finally:
            self._slots.release()

    async def _take_slot(self) -> None:
        if not self._slots.locked():
            await self._slots.acquire()  # free: returns without suspending
            return
        try:
            async with asyncio.timeout(self._pool_wait):
                await self._slots.acquire()
        except TimeoutError:
            raise UpstreamUnavailable(
                "Every connection to the model backends is in use.", code="upstream_unavailable"
            ) from None

    async def close(self) -> None:
        await self._session.close()
