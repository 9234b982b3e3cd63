"""Closing entries the store could not take, kept and written once it is back.

A closing fails to commit when the database goes away while a response is in flight: the
opening is committed (the request was forwarded), so losing the closing would leave a record
open for ever. The trail hands such closings here; a background task retries them with a
growing pause until the store takes them, and a final attempt is made at shutdown.

A closing is written only for a record whose opening is committed and which is not yet
closed. That makes retries safe when a commit's outcome was unknown (the connection broke
after COMMIT was sent): nothing is ever closed twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Closing = TypeVar("Closing")

_FIRST_PAUSE_SECONDS = 0.25
_LONGEST_PAUSE_SECONDS = 5.0


class PendingClosings(Generic[Closing]):
    """Holds up to `limit` closings; `write_one` commits one, `still_open` filters by id."""

    def __init__(
        self,
        write_one: Callable[[Closing], Awaitable[None]],
        still_open: Callable[[Collection[str]], Awaitable[set[str]]],
        request_id_of: Callable[[Closing], str],
        *,
        limit: int = 100_000,
    ) -> None:
        self._write_one = write_one
        self._still_open = still_open
        self._request_id_of = request_id_of
        self._limit = limit
        self._waiting: dict[str, Closing] = {}
        self._task: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._waiting)

    def keep(self, closing: Closing) -> None:
        """Keep a closing that failed to commit, and make sure a retry is scheduled."""
        if len(self._waiting) >= self._limit:
            log.error("too many audit closings wait for the store; one was dropped")
            return
        self._waiting.setdefault(self._request_id_of(closing), closing)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._retry_until_written())

    async def flush(self) -> bool:
        """Try to write every waiting closing now; True when none is left waiting."""
        if not self._waiting:
            return True
        try:
            still_open = await self._still_open(list(self._waiting))
        except Exception as error:  # noqa: BLE001 - the store is still away; try again later
            log.warning("audit store still unavailable (%s)", type(error).__name__)
            return False
        for request_id in list(self._waiting):
            if request_id not in still_open:
                # Already closed (an unknown commit outcome that did commit) or never opened.
                del self._waiting[request_id]
                continue
            try:
                await self._write_one(self._waiting[request_id])
            except Exception:  # noqa: BLE001 - keep it; the next round retries
                return False
            del self._waiting[request_id]
        return not self._waiting

    async def aclose(self) -> None:
        """Stop retrying after one last attempt; report what could not be written."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if not await self.flush():
            log.error("%d audit records were left open: the store was unavailable", len(self))

    async def _retry_until_written(self) -> None:
        pause = _FIRST_PAUSE_SECONDS
        while True:
            await asyncio.sleep(pause)
            if await self.flush():
                log.info("audit closings written after the store returned")
                return
            pause = min(pause * 2, _LONGEST_PAUSE_SECONDS)
