"""JSON lines to a file rotated by size, and to standard output."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from router.audit.export.config import FileSinkSettings, StdoutSinkSettings
from router.audit.export.exporter import AuditExporter
from router.audit.export.sinks.file import FileSink, StdoutSink
from router.metrics import Metrics
from tests.audit.export.support import PROMPT, events, sample


def _ids(path: Path) -> list[str]:
    return [orjson.loads(line)["request_id"] for line in path.read_bytes().splitlines()]


def _files(directory: Path) -> list[Path]:
    return sorted(directory.iterdir())


async def test_events_are_appended_as_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "siem" / "audit.jsonl"
    sink = FileSink(FileSinkSettings(path=path))
    await sink.send(events(2))
    await sink.send(events(1, prefix="more"))
    assert _ids(path) == ["req_0", "req_1", "more_0"]
    assert PROMPT not in path.read_text()


async def test_rotation_by_size_keeps_the_configured_backups(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    one_event = len(orjson.dumps(events(1)[0])) + 1
    sink = FileSink(FileSinkSettings(path=path, max_bytes=one_event * 2, backups=2))
    for index in range(5):
        await sink.send(events(1, prefix=f"b{index}"))
    assert _ids(path) == ["b4_0"]
    assert _ids(tmp_path / "audit.jsonl.1") == ["b2_0", "b3_0"]
    assert _ids(tmp_path / "audit.jsonl.2") == ["b0_0", "b1_0"]
    assert not (tmp_path / "audit.jsonl.3").exists()


async def test_no_backups_starts_the_file_afresh(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    sink = FileSink(FileSinkSettings(path=path, max_bytes=10, backups=0))
    await sink.send(events(1, prefix="a"))
    await sink.send(events(1, prefix="b"))
    assert _ids(path) == ["b_0"]
    assert _files(tmp_path) == [path]


async def test_the_exporter_flushes_to_the_file_on_stop(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    metrics = Metrics()
    exporter = AuditExporter.from_settings((FileSinkSettings(path=path, batch_size=7),), metrics)
    exporter.start()
    for event in events(50):
        exporter.submit(event)
    await exporter.stop()
    assert _ids(path) == [f"req_{index}" for index in range(50)]
    assert sample(metrics, "sovereign_router_audit_exported_total", "file") == 50
    assert sample(metrics, "sovereign_router_audit_export_dropped_total", "file") == 0


async def test_stdout_sink_writes_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert StdoutSinkSettings().label == "stdout"
    await StdoutSink().send(events(2))
    lines = capsys.readouterr().out.splitlines()
    assert [orjson.loads(line)["request_id"] for line in lines] == ["req_0", "req_1"]
