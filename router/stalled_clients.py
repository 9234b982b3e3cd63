"""Streaming responses that give up on a client that stops reading or goes away.

A client that reads nothing makes each `send` wait on the socket's back-pressure. That bounds
memory (uvicorn stops at its write buffer limit, and the relay stops pulling from upstream),
but without a limit the request would hold its relay, its upstream request and its audit
record open for as long as the client cares to wait. Past `stall_timeout` the response is
abandoned instead: the relay is closed, which cancels the upstream request and completes the
audit record.

A client that hangs up is noticed by a watcher task that waits for uvicorn's disconnect message
and cancels the response's task, as Starlette's `StreamingResponse` does with a task group: the
task group cost about 0.05 ms of CPU per response, and ran the stream in a task of its own, so
the first chunk waited for the event loop's next turn.
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


class LastChunk(bytes):
    """The relay's last chunk: it completes the response, in the same write."""


class StallGuardedStreamingResponse(StreamingResponse):
    def __init__(
        self, content: AsyncGenerator[bytes, None], *, stall_timeout: float, **options: Any
    ) -> None:
        super().__init__(content, **options)
        self._relay = content
        self._stall_timeout = stall_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a streaming response runs in a task")
        watcher = asyncio.get_running_loop().create_task(_cancel_on_disconnect(receive, task))
        try:
            await self._stream(send, watcher)
        except asyncio.CancelledError:
            if not watcher.done() or watcher.cancelled():
                raise  # not the client's leaving: someone else's cancellation
            task.uncancel()
            # The relay ends now, as the client went away; it had ended already if the
            # cancellation reached it while it awaited the upstream.
            await self._relay.aclose()
        except ClientStalled:
            log.warning(
                "a client read nothing for %.0f s; its stream was abandoned", self._stall_timeout
            )
            # The relay learns why it ends and runs its clean-up now, not whenever it is
            # collected; it ends there (or had already ended, or had not begun).
            with contextlib.suppress(StopAsyncIteration, ClientStalled):
                await self._relay.athrow(ClientStalled())
        finally:
            watcher.cancel()

    async def _stream(self, send: Send, watcher: asyncio.Task[None]) -> None:
        start = {"type": "http.response.start", "status": self.status_code}
        await self._guarded(send, {**start, "headers": self.raw_headers})
        complete = False
        async for chunk in self._relay:
            if type(chunk) is LastChunk:
                # The response is complete: uvicorn now answers `receive` with a disconnect,
                # which is not the client's leaving, so the watcher stops before that.
                watcher.cancel()
                complete = True
                await self._guarded(send, _body(chunk, more=False))
                continue  # the relay's clean-up runs after the client has its whole answer
            await self._guarded(send, _body(chunk, more=True))
        if not complete:
            await self._guarded(send, _body(b"", more=False))

    async def _guarded(self, send: Send, message: Message) -> None:
        # asyncio's own timeout, not anyio's cancel scope: this runs once per chunk, and the
        # cancel scope cost more CPU than the send it guarded.
        try:
            async with asyncio.timeout(self._stall_timeout):
                await send(message)
        except TimeoutError:
            raise ClientStalled from None


def _body(chunk: bytes, *, more: bool) -> Message:
    return {"type": "http.response.body", "body": chunk, "more_body": more}


async def _cancel_on_disconnect(receive: Receive, task: asyncio.Task[Any]) -> None:
    """Cancel `task` once the client has gone. uvicorn also says so once the response is
    complete: by then this watcher has been cancelled, before it could run again."""
    while (await receive())["type"] != "http.disconnect":
        pass
    task.cancel()
