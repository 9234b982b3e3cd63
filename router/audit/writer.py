"""Group commit: concurrent writes share one transaction without giving up write-ahead.

Each caller queues its item and waits. One writer task takes everything that arrived while
the previous commit ran, commits it at once in a worker thread, then wakes every caller: the
caller still returns only after its own record is durable, but N callers pay for one commit.
A batch that fails is split in halves and each retried, so one bad item fails only its own
caller and costs about 2·log2(batch) extra commits, not one per item.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")

log = logging.getLogger(__name__)


class GroupCommitWriter(Generic[Item]):
    def __init__(
        self, commit: Callable[[Sequence[Item]], None], *, max_batch: int, batched: bool = True
    ) -> None:
        self._commit = commit
        self._max_batch = max_batch
        self._batched = batched
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[tuple[Item, asyncio.Future[None]]] | None = None
        self._task: asyncio.Task[None] | None = None

    async def write(self, item: Item) -> None:
        """Return once `item` is committed; raise what the commit raised if it was not."""
        if not self._batched:
            await asyncio.to_thread(self._commit, [item])
            return
        queue = self._queue_for_this_loop()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.put_nowait((item, done))
        await asyncio.shield(done)  # a cancelled caller must not cancel the others' commit

    async def aclose(self) -> None:
        """Let queued writes finish, then stop the writer task."""
        if self._queue is not None and self._loop is asyncio.get_running_loop():
            await self._queue.join()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = self._queue = self._loop = None

    def _queue_for_this_loop(self) -> asyncio.Queue[tuple[Item, asyncio.Future[None]]]:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._loop is not loop or self._task is None:
            self._loop = loop
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._run(self._queue))
        return self._queue

    async def _run(self, queue: asyncio.Queue[tuple[Item, asyncio.Future[None]]]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < self._max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                await self._commit_batch(batch)
            finally:
                for _ in batch:
                    queue.task_done()

    async def _commit_batch(self, batch: list[tuple[Item, asyncio.Future[None]]]) -> None:
        try:
            await asyncio.to_thread(self._commit, [item for item, _ in batch])
        except Exception as error:  # noqa: BLE001 - retried in halves, each failure reported
            if len(batch) > 1:
                log.warning("an audit batch of %d failed; retrying it in halves", len(batch))
                middle = len(batch) // 2
                await self._commit_batch(batch[:middle])
                await self._commit_batch(batch[middle:])
                return
            # Only the class: database messages can quote the parameters, i.e. content.
            log.error("an audit write failed (%s)", type(error).__name__)
            _settle(batch, error=True)
            return
        _settle(batch, error=False)


def _settle(batch: Sequence[tuple[object, asyncio.Future[None]]], *, error: bool) -> None:
    for _, done in batch:
        if done.done():
            continue
        if error:
            done.set_exception(WriteFailed())
        else:
            done.set_result(None)


class WriteFailed(Exception):
    """The item could not be committed (the cause is logged by the writer, not carried)."""
