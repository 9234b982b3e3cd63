"""One sink's bounded queue and the background task that empties it.

`offer` never waits: when the queue is full the event is dropped and counted, because the
request path must never slow down for the SIEM (the database record is the source of truth).
The task takes what is queued, up to a batch, and retries a failed batch with exponential
backoff and jitter until it is delivered, refused, or shutdown runs out of time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time

from router.audit.export.config import SinkSettings
from router.audit.export.event import Event
from router.audit.export.sinks.base import Sink, SinkRejected, SinkUnavailable
from router.metrics import Metrics

log = logging.getLogger(__name__)


class SinkWorker:
    def __init__(
        self, settings: SinkSettings, sink: Sink, metrics: Metrics, *, seed: int | None = None
    ) -> None:
        self.label = settings.label
        self._settings = settings
        self._sink = sink
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=settings.queue_size)
        self._depth = metrics.audit_export_queue_depth.labels(self.label)
        self._dropped = metrics.audit_export_dropped.labels(self.label)
        self._exported = metrics.audit_exported.labels(self.label)
        self._random = random.Random(seed)  # noqa: S311 - jitter, not cryptography
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._stop_requested = asyncio.Event()
        self._deadline = float("inf")
        self._in_flight = 0
        self._reachable = True  # logs only the changes, not every failed attempt

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"audit-export-{self.label}")

    def offer(self, event: Event) -> None:
        if self._stopping:
            self._drop(1)
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self._drop(1)
        self._depth.set(self._queue.qsize())

    def count_lost(self) -> None:
        self._drop(1)

    async def stop(self) -> None:
        """Drain within `shutdown_timeout_seconds`; whatever is left then is dropped."""
        timeout = self._settings.shutdown_timeout_seconds
        self._stopping = True
        self._deadline = time.monotonic() + timeout
        self._stop_requested.set()  # a task waiting out a backoff tries once more at once
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(None)  # wakes a task waiting on an empty queue
        if self._task is None:  # never started: nothing was sent
            self._drop(self._discard_queued())
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._task), timeout)
            if not self._task.done():
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
                self._drop(self._in_flight + self._discard_queued())
                log.warning("audit export sink %s did not drain before shutdown", self.label)
        self._depth.set(0)
        await self._sink.aclose()

    async def _run(self) -> None:
        while True:
            batch = await self._next_batch()
            if batch:
                await self._deliver(batch)
            if self._stopping and self._queue.empty():
                return

    async def _next_batch(self) -> list[Event]:
        batch: list[Event] = []
        first = await self._queue.get()
        if first is not None:
            batch.append(first)
        linger_until = time.monotonic() + self._settings.linger_seconds
        while len(batch) < self._settings.batch_size and not self._stopping:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                remaining = linger_until - time.monotonic()
                if remaining <= 0 or not batch:
                    break
                await asyncio.sleep(min(remaining, 0.01))
                continue
            if item is not None:
                batch.append(item)
        while self._stopping and len(batch) < self._settings.batch_size and self._pending():
            if (item := self._queue.get_nowait()) is not None:
                batch.append(item)
        self._in_flight = len(batch)
        self._depth.set(self._queue.qsize())
        return batch

    async def _deliver(self, batch: list[Event]) -> None:
        attempt = 0
        while True:
            try:
                await self._sink.send(batch)
            except SinkRejected as error:
                log.error("audit export sink %s refused a batch: %s", self.label, error)
                self._drop(len(batch))
                break
            except SinkUnavailable as error:
                attempt += 1
                delay = self._backoff(attempt, error.retry_after_seconds)
                if self._reachable:
                    self._reachable = False
                    log.warning("audit export sink %s unavailable: %s", self.label, error)
                if time.monotonic() + delay > self._deadline:
                    self._drop(len(batch))
                    break
                await self._pause(delay)
                continue
            except Exception as error:  # noqa: BLE001 - a sink bug must not kill the exporter
                log.error("audit export sink %s failed (%s)", self.label, type(error).__name__)
                self._drop(len(batch))
                break
            else:
                if not self._reachable:
                    self._reachable = True
                    log.warning("audit export sink %s reachable again", self.label)
                self._exported.inc(len(batch))
                break
        self._in_flight = 0

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential, capped, with "equal jitter" so that replicas do not retry in step."""
        settings = self._settings
        ceiling = min(
            settings.retry_max_seconds, settings.retry_initial_seconds * 2.0 ** (attempt - 1)
        )
        delay = ceiling / 2 + self._random.uniform(0, ceiling / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, settings.retry_max_seconds))
        return delay

    async def _pause(self, delay: float) -> None:
        if self._stop_requested.is_set():
            await asyncio.sleep(delay)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_requested.wait(), delay)

    def _pending(self) -> int:
        return self._queue.qsize()

    def _discard_queued(self) -> int:
        count = 0
        while not self._queue.empty():
            if self._queue.get_nowait() is not None:
                count += 1
        return count

    def _drop(self, count: int) -> None:
        if count:
            self._dropped.inc(count)
