"""What SIEM export adds to the request path: the wrapper's open + close (event built and
queued) over an in-memory trail, with a sink that is up (file) and one that is down (syslog to
a closed port, so every event past the queue is dropped). Medians and p99 in microseconds.

    PYTHONPATH=. python benchmarks/audit_export.py [--requests 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from router.audit.export import ExportingAuditTrail
from router.audit.export.config import AnySinkSettings, FileSinkSettings, SyslogSinkSettings
from router.audit.export.exporter import AuditExporter
from router.audit.record import AuditClosing, AuditOpening
from router.metrics import Metrics
from router.supervisor import free_port
from tests.audit.export.support import closing, opening


class NullTrail:
    """The store is measured elsewhere (the write-ahead benchmark); only the export counts."""

    async def open(self, opening: AuditOpening) -> None:
        return None

    async def close(self, request_id: str, closing: AuditClosing) -> None:
        return None

    async def aclose(self) -> None:
        return None


async def _measure(sink: AnySinkSettings | None, requests: int) -> list[float]:
    inner = NullTrail()
    trail = (
        ExportingAuditTrail(inner, AuditExporter.from_settings((sink,), Metrics()))
        if sink is not None
        else None
    )
    if trail is not None:
        trail.start()
    done = closing()
    samples = []
    for index in range(requests):
        record = opening(f"req_{index}")
        started = time.perf_counter()
        if trail is not None:
            await trail.open(record)
            await trail.close(record.request_id, done)
        else:
            await inner.open(record)
            await inner.close(record.request_id, done)
        samples.append((time.perf_counter() - started) * 1e6)
        if index % 100 == 0:
            await asyncio.sleep(0)  # let the sender run, as between real requests
    if trail is not None:
        await trail.aclose()
    return samples


def _report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p99 = ordered[int(len(ordered) * 0.99)]
    print(f"{name:<28} median {statistics.median(ordered):7.1f} us   p99 {p99:7.1f} us")


async def main(requests: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        cases: list[tuple[str, AnySinkSettings | None]] = [
            ("no export", None),
            ("file sink (up)", FileSinkSettings(path=Path(directory) / "audit.jsonl")),
            (
                "syslog sink (down)",
                SyslogSinkSettings(
                    host="127.0.0.1",
                    port=free_port("127.0.0.1"),
                    queue_size=1000,
                    shutdown_timeout_seconds=0.1,
                ),
            ),
        ]
        for name, sink in cases:
            _report(name, await _measure(sink, requests))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().requests))
