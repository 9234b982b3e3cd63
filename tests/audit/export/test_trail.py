"""The exporting trail: writes through to the store first, then one event per request."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from router.audit.export import ExportingAuditTrail, with_siem_export
from router.audit.export.config import FileSinkSettings, SyslogSinkSettings
from router.audit.export.exporter import AuditExporter
from router.audit.record import AuditClosing, AuditOpening
from router.errors import AuditUnavailable
from router.metrics import Metrics
from router.supervisor import free_port
from tests.audit.export.support import PROMPT, closing, opening, sample


class ListTrail:
    """An in-memory AuditTrail: what the wrapper must pass through, in order."""

    def __init__(self, refuse: bool = False) -> None:
        self.calls: list[str] = []
        self.refuse = refuse

    async def open(self, opening: AuditOpening) -> None:
        if self.refuse:
            raise AuditUnavailable("The audit trail is unavailable.")
        self.calls.append(f"open {opening.request_id}")

    async def close(self, request_id: str, closing: AuditClosing) -> None:
        self.calls.append(f"close {request_id}")

    async def aclose(self) -> None:
        self.calls.append("aclose")


def _file_trail(tmp_path: Path, inner: ListTrail, **kwargs: int) -> ExportingAuditTrail:
    sink = FileSinkSettings(path=tmp_path / "audit.jsonl")
    return ExportingAuditTrail(inner, AuditExporter.from_settings((sink,), Metrics()), **kwargs)


def _exported(tmp_path: Path) -> list[dict[str, object]]:
    path = tmp_path / "audit.jsonl"
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


async def test_one_event_per_completed_request(tmp_path: Path) -> None:
    inner = ListTrail()
    trail = _file_trail(tmp_path, inner)
    trail.start()
    await trail.open(opening("req_a"))
    await trail.open(opening("req_b"))
    await trail.close("req_b", closing(403))
    await trail.close("req_a", closing(200))
    await trail.aclose()
    assert inner.calls == ["open req_a", "open req_b", "close req_b", "close req_a", "aclose"]
    exported = _exported(tmp_path)
    assert [(e["request_id"], e["status_code"], e["complete"]) for e in exported] == [
        ("req_b", 403, True),
        ("req_a", 200, True),
    ]
    assert PROMPT not in (tmp_path / "audit.jsonl").read_text()


async def test_a_record_the_store_refused_is_not_exported(tmp_path: Path) -> None:
    trail = _file_trail(tmp_path, ListTrail(refuse=True))
    trail.start()
    with pytest.raises(AuditUnavailable):
        await trail.open(opening("req_a"))
    await trail.aclose()
    assert _exported(tmp_path) == []


async def test_records_open_at_shutdown_go_out_as_incomplete(tmp_path: Path) -> None:
    inner = ListTrail()
    trail = _file_trail(tmp_path, inner)
    trail.start()
    await trail.open(opening("req_streaming"))
    await trail.aclose()
    (event,) = _exported(tmp_path)
    assert (event["request_id"], event["event_type"]) == ("req_streaming", "request.incomplete")
    assert inner.calls[-1] == "aclose"


async def test_open_records_are_bounded(tmp_path: Path) -> None:
    trail = _file_trail(tmp_path, ListTrail(), max_open=2)
    trail.start()
    for name in ("req_1", "req_2", "req_3"):
        await trail.open(opening(name))
    await trail.close("req_1", closing())  # evicted already: exported without its opening
    await trail.aclose()
    assert not any(e["complete"] for e in _exported(tmp_path))
    kinds = sorted((str(e["request_id"]), str(e["event_type"])) for e in _exported(tmp_path))
    assert kinds == [
        ("req_1", "request.completed"),
        ("req_1", "request.incomplete"),
        ("req_2", "request.incomplete"),
        ("req_3", "request.incomplete"),
    ]


async def test_a_dead_sink_never_fails_the_request_path() -> None:
    metrics = Metrics()
    sink = SyslogSinkSettings(
        host="127.0.0.1", port=free_port("127.0.0.1"), queue_size=2, shutdown_timeout_seconds=0.2
    )
    inner = ListTrail()
    trail = with_siem_export(inner, (sink,), metrics)
    assert isinstance(trail, ExportingAuditTrail)
    trail.start()
    for index in range(10):
        await trail.open(opening(f"req_{index}"))
        await trail.close(f"req_{index}", closing())
    await trail.aclose()
    assert len(inner.calls) == 21
    assert sample(metrics, "sovereign_router_audit_export_dropped_total", "syslog") == 10
    assert sample(metrics, "sovereign_router_audit_exported_total", "syslog") == 0


def test_without_sinks_the_trail_is_left_alone() -> None:
    inner = ListTrail()
    assert with_siem_export(inner, (), Metrics()) is inner
