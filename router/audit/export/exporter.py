"""The exporter: one worker per configured sink, fed the same events."""

from __future__ import annotations

import asyncio

from router.audit.export.config import (
    AnySinkSettings,
    FileSinkSettings,
    HttpSinkSettings,
    StdoutSinkSettings,
    SyslogSinkSettings,
)
from router.audit.export.event import Event
from router.audit.export.sinks.base import Sink
from router.audit.export.sinks.file import FileSink, StdoutSink
from router.audit.export.sinks.http import HttpSink
from router.audit.export.sinks.syslog import SyslogSink
from router.audit.export.worker import SinkWorker
from router.metrics import Metrics


def build_sink(settings: AnySinkSettings) -> Sink:
    if isinstance(settings, FileSinkSettings):
        return FileSink(settings)
    if isinstance(settings, StdoutSinkSettings):
        return StdoutSink()
    if isinstance(settings, SyslogSinkSettings):
        return SyslogSink(settings)
    if isinstance(settings, HttpSinkSettings):
        return HttpSink(settings)
    raise TypeError(f"unknown sink kind {settings.kind!r}")


class AuditExporter:
    def __init__(self, workers: list[SinkWorker]) -> None:
        self.workers = workers

    @classmethod
    def from_settings(cls, sinks: tuple[AnySinkSettings, ...], metrics: Metrics) -> AuditExporter:
        return cls([SinkWorker(sink, build_sink(sink), metrics) for sink in sinks])

    def start(self) -> None:
        """Starts the background senders; call it from the running event loop."""
        for worker in self.workers:
            worker.start()

    def submit(self, event: Event) -> None:
        """Never waits and never raises: a full queue drops and counts."""
        for worker in self.workers:
            worker.offer(event)

    def count_lost(self) -> None:
        """An event that could not even be built is a drop for every sink."""
        for worker in self.workers:
            worker.count_lost()

    async def stop(self) -> None:
        """Each sink drains in parallel, within its own shutdown timeout."""
        await asyncio.gather(*(worker.stop() for worker in self.workers))
