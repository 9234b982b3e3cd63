"""Streaming responses that give up on a client that stops reading.

A client that reads nothing makes each `send` wait on the socket's back-pressure. That bounds
memory (uvicorn stops at its write buffer limit, and the relay stops pulling from upstream),
but without a limit the request would hold its relay, its upstream request and its audit
record open for as long as the client cares to wait. Past `stall_timeout` the response is
abandoned instead: the relay is closed, which cancels the upstream request and completes the
audit record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from typing import Any

from starlette.responses import StreamingResponse
from starlette.types import Message, Receive, Scope, Send

log = logging.getLogger(__name__)


class ClientStalled(Exception):
    """The client took nothing for the whole stall timeout."""


class StallGuardedStreamingResponse(StreamingResponse):
    def __init__(
        self, content: AsyncGenerator[bytes, None], *, stall_timeout: float, **options: Any
    ) -> None:
        super().__init__(content, **options)
        self._relay = content
        self._stall_timeout = stall_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def guarded_send(message: Message) -> None:
            # asyncio's own timeout, not anyio's cancel scope: this runs once per chunk, and
            # the cancel scope cost more CPU than the send it guarded.
            try:
                async with asyncio.timeout(self._stall_timeout):
                    await send(message)
            except TimeoutError:
                raise ClientStalled from None

        try:
            await super().__call__(scope, receive, guarded_send)
        except ClientStalled:
            log.warning(
                "a client read nothing for %.0f s; its stream was abandoned", self._stall_timeout
            )
            # The relay learns why it ends and runs its clean-up now, not whenever it is
            # collected; it ends there (or had already ended, or had not begun).
            with contextlib.suppress(StopAsyncIteration, ClientStalled):
                await self._relay.athrow(ClientStalled())
