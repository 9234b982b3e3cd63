"""Streaming responses that give up on a client that stops reading or goes away.

A client that reads nothing makes each `send` wait on the socket's back-pressure. That bounds
memory (uvicorn stops at its write buffer limit, and the relay stops pulling from upstream),
but without a limit the request would hold its relay, its upstream request and its audit
record open for as long as the client cares to wait. Once one send has waited `stall_timeout`
the response is abandoned instead (a watchdog timer per response, not a timeout per send):
the relay is closed, which cancels the upstream request and completes the audit record.

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
        self._sending_since: float | None = None  # loop time a send began, while it runs
        self._stalled = False
        self._watchdog: asyncio.TimerHandle | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a streaming response runs in a task")
        loop = asyncio.get_running_loop()
        watcher = loop.create_task(_cancel_on_disconnect(receive, task))
        self._watch_for_stall(loop, task)
        try:
            await self._stream(loop, send, watcher)
        except asyncio.CancelledError:
            if self._stalled:
                task.uncancel()
                await self._abandon_stalled()
            elif watcher.done() and not watcher.cancelled():
                task.uncancel()
                # The relay ends now, as the client went away; it had ended already if the
                # cancellation reached it while it awaited the upstream.
                await self._relay.aclose()
            else:
                raise  # neither the client's leaving nor its stall: someone else's cancellation
        finally:
            watcher.cancel()
            if self._watchdog is not None:
                self._watchdog.cancel()

    async def _stream(
        self, loop: asyncio.AbstractEventLoop, send: Send, watcher: asyncio.Task[None]
    ) -> None:
        start = {"type": "http.response.start", "status": self.status_code}
        await self._guarded(loop, send, {**start, "headers": self.raw_headers})
        complete = False
        async for chunk in self._relay:
            if type(chunk) is LastChunk:
                # The response is complete: uvicorn now answers `receive` with a disconnect,
                # which is not the client's leaving, so the watcher stops before that.
                watcher.cancel()
                complete = True
                await self._guarded(loop, send, _body(chunk, more=False))
                continue  # the relay's clean-up runs after the client has its whole answer
            await self._guarded(loop, send, _body(chunk, more=True))
        if not complete:
            await self._guarded(loop, send, _body(b"", more=False))

    async def _guarded(self, loop: asyncio.AbstractEventLoop, send: Send, message: Message) -> None:
        # The watchdog reads this: a send that returns at once (nearly all of them: uvicorn
        # waits only once its write buffer is full) costs no timer of its own. A timeout per
        # send cost about 4.6 us a chunk.
        self._sending_since = loop.time()
        await send(message)
        self._sending_since = None

    def _watch_for_stall(self, loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any]) -> None:
        """Cancel `task` once a send has waited `stall_timeout`; look again when one could
        have."""
        since = self._sending_since
        now = loop.time()
        if since is not None and now - since >= self._stall_timeout:
            self._stalled = True
            task.cancel()
            return
        due = (now if since is None else since) + self._stall_timeout
        self._watchdog = loop.call_at(due, self._watch_for_stall, loop, task)

    async def _abandon_stalled(self) -> None:
        log.warning(
            "a client read nothing for %.0f s; its stream was abandoned", self._stall_timeout
        )
        # The relay learns why it ends and runs its clean-up now, not whenever it is
        # collected; it ends there (or had already ended, or had not begun).
        with contextlib.suppress(StopAsyncIteration, ClientStalled):
            await self._relay.athrow(ClientStalled())


def _body(chunk: bytes, *, more: bool) -> Message:
    return {"type": "http.response.body", "body": chunk, "more_body": more}


async def _cancel_on_disconnect(receive: Receive, task: asyncio.Task[Any]) -> None:
    """Cancel `task` once the client has gone. uvicorn also says so once the response is
    complete: by then this watcher has been cancelled, before it could run again."""
    while (await receive())["type"] != "http.disconnect":
        pass
    task.cancel()
