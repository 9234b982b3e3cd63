"""JSON lines to a file rotated by size, or to standard output."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

import orjson

from router.audit.export.config import FileSinkSettings
from router.audit.export.event import Event
from router.audit.export.sinks.base import SinkUnavailable


def json_lines(batch: Sequence[Event]) -> bytes:
    return b"".join(orjson.dumps(event) + b"\n" for event in batch)


class FileSink:
    """Appends whole batches; rotates before a write that would pass `max_bytes`.

    Files are written from a worker thread so that a slow disk never stalls the event loop.
    """

    def __init__(self, settings: FileSinkSettings) -> None:
        self._path = settings.path
        self._max_bytes = settings.max_bytes
        self._backups = settings.backups

    async def send(self, batch: Sequence[Event]) -> None:
        data = json_lines(batch)
        try:
            await asyncio.to_thread(self._append, data)
        except OSError as error:
            raise SinkUnavailable(f"cannot write the export file ({error.strerror})") from None

    async def aclose(self) -> None:
        """Each batch opens and closes the file, so a rotated or removed file is recreated."""

    def _append(self, data: bytes) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        size = self._path.stat().st_size if self._path.exists() else 0
        if size and size + len(data) > self._max_bytes:
            self._rotate()
        with self._path.open("ab") as handle:
            handle.write(data)
            handle.flush()

    def _rotate(self) -> None:
        if self._backups == 0:
            self._path.unlink()
            return
        for index in range(self._backups - 1, 0, -1):
            older = _numbered(self._path, index)
            if older.exists():
                older.replace(_numbered(self._path, index + 1))
        self._path.replace(_numbered(self._path, 1))


def _numbered(path: Path, index: int) -> Path:
    return path.with_name(f"{path.name}.{index}")


class StdoutSink:
    """For collectors that read the container's output (Fluent Bit, Vector, the kubelet)."""

    async def send(self, batch: Sequence[Event]) -> None:
        data = json_lines(batch)
        try:
            await asyncio.to_thread(_write_stdout, data)
        except OSError as error:
            raise SinkUnavailable(f"cannot write to standard output ({error.strerror})") from None

    async def aclose(self) -> None:
        """Standard output belongs to the process; it is not closed here."""


def _write_stdout(data: bytes) -> None:
    sys.stdout.write(data.decode())
    sys.stdout.flush()
