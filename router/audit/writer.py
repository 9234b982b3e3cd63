"""Group commit: concurrent writes share one transaction without giving up write-ahead.

Each caller queues its item and waits. One writer task takes everything that arrived while
the previous commit ran, commits it at once in a worker thread, then wakes every caller: the
caller still returns only after its own record is durable, but N callers pay for one commit.
A batch that fails is split in halves and each retried, so one bad item fails only its own
caller and costs about 2·log2(batch) extra commits, not one per item.

Items nobody waits on in a hurry (a record's closing entry, written after the response has
gone) may linger up to `linger_seconds` for an urgent item (the next opening) to share its
commit: at low concurrency that halves the commits per request.

A batch is first offered to `commit_inline`, when given: it commits on the event loop if it
can do so without waiting (SQLite, when no other process holds the write lock) and returns
False otherwise, and only then does the batch go to a worker thread. The two thread switches
per commit cost more wall time than a SQLite commit itself on a busy machine. `commit_async`
is the same offer for a database with an asyncio driver (PostgreSQL): the commit awaits the
database on the event loop, which serves other requests meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")

log = logging.getLogger(__name__)


class GroupCommitWriter(Generic[Item]):
    def __init__(
        self,
        commit: Callable[[Sequence[Item]], None],
        *,
        max_batch: int,
        batched: bool = True,
        linger_seconds: float = 0.0,
        commit_inline: Callable[[Sequence[Item]], bool] | None = None,
        commit_async: Callable[[Sequence[Item]], Awaitable[bool]] | None = None,
    ) -> None:
        self._commit = commit
        self._commit_inline = commit_inline
        self._commit_async = commit_async
        self._max_batch = max_batch
        self._batched = batched
        self._linger = linger_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[_Queued[Item]] | None = None
        self._task: asyncio.Task[None] | None = None

    async def write(self, item: Item, *, urgent: bool = True) -> None:
        """Return once `item` is committed; raise what the commit raised if it was not.

        A non-urgent item may wait up to the linger time for company before it is committed.
        """
        if not self._batched:
            await asyncio.to_thread(self._commit, [item])
            return
        queue = self._queue_for_this_loop()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.put_nowait(_Queued(item, done, urgent))
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

    def submit(self, item: Item, *, on_failure: Callable[[], None]) -> None:
        """Queue a non-urgent item without waiting for its commit; it lingers for company.

        For writes nobody waits on: `aclose()` still waits for them, and a failure calls
        `on_failure` (the writer has already logged the cause).
        """
        if not self._batched:
            raise RuntimeError("submit() needs the batched writer")
        queue = self._queue_for_this_loop()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def report(future: asyncio.Future[None]) -> None:
            if future.exception() is not None:
                on_failure()

        done.add_done_callback(report)
        queue.put_nowait(_Queued(item, done, urgent=False))

    def _queue_for_this_loop(self) -> asyncio.Queue[_Queued[Item]]:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._loop is not loop or self._task is None:
            self._loop = loop
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._run(self._queue))
        return self._queue

    async def _run(self, queue: asyncio.Queue[_Queued[Item]]) -> None:
        while True:
            batch = [await queue.get()]
            self._take_waiting(queue, batch)
            if self._linger and not any(queued.urgent for queued in batch):
                await self._wait_for_company(queue, batch)
            try:
                await self._commit_batch(batch)
            finally:
                for _ in batch:
                    queue.task_done()

    def _take_waiting(
        self, queue: asyncio.Queue[_Queued[Item]], batch: list[_Queued[Item]]
    ) -> None:
        while len(batch) < self._max_batch and not queue.empty():
            batch.append(queue.get_nowait())

    async def _wait_for_company(
        self, queue: asyncio.Queue[_Queued[Item]], batch: list[_Queued[Item]]
    ) -> None:
        deadline = asyncio.get_running_loop().time() + self._linger
        while len(batch) < self._max_batch and not any(queued.urgent for queued in batch):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            try:
                batch.append(await asyncio.wait_for(queue.get(), remaining))
            except TimeoutError:
                return
            self._take_waiting(queue, batch)

    async def _commit_batch(self, batch: list[_Queued[Item]]) -> None:
        items = [queued.item for queued in batch]
        try:
            if not await self._commit_on_loop(items):
                await asyncio.to_thread(self._commit, items)
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

    async def _commit_on_loop(self, items: list[Item]) -> bool:
        """True once the batch is committed without a worker thread; False: not done."""
        if self._commit_inline is not None:
            return self._commit_inline(items)
        if self._commit_async is not None:
            return await self._commit_async(items)
        return False


@dataclass(frozen=True, slots=True)
class _Queued(Generic[Item]):
    item: Item
    done: asyncio.Future[None]
    urgent: bool


def _settle(batch: Sequence[_Queued[Item]], *, error: bool) -> None:
    for queued in batch:
        done = queued.done
        if done.done():
            continue
        if error:
            done.set_exception(WriteFailed())
        else:
            done.set_result(None)


class WriteFailed(Exception):
    """The item could not be committed (the cause is logged by the writer, not carried)."""
