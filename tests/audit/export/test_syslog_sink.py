"""The syslog sink against real listeners on loopback: TCP, TLS and UDP."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import orjson

from router.audit.export.config import SyslogSinkSettings
from router.audit.export.exporter import AuditExporter
from router.metrics import Metrics
from router.supervisor import free_port
from tests.audit.export.receivers import (
    Received,
    make_tls_files,
    syslog_stream_receiver,
    syslog_udp_receiver,
)
from tests.audit.export.support import PROMPT, events, sample

FAST_RETRY = {"retry_initial_seconds": 0.05, "retry_max_seconds": 0.2}
RFC5424 = re.compile(rb"^<110>1 \S+ \S+ sovereign-router \d+ audit - (?P<msg>\{.*\})$")
DROPPED = "sovereign_router_audit_export_dropped_total"
EXPORTED = "sovereign_router_audit_exported_total"


def _exporter(metrics: Metrics, port: int, **settings: object) -> AuditExporter:
    sink = SyslogSinkSettings(host="127.0.0.1", port=port, **{**FAST_RETRY, **settings})
    return AuditExporter.from_settings((sink,), metrics)


def _request_ids(messages: list[bytes]) -> list[str]:
    ids = []
    for message in messages:
        match = RFC5424.match(message)
        assert match is not None, message[:80]
        ids.append(orjson.loads(match["msg"])["request_id"])
    return ids


async def test_tcp_delivers_octet_counted_rfc5424_messages() -> None:
    port, metrics = free_port("127.0.0.1"), Metrics()
    with syslog_stream_receiver(port, Received()) as received:
        exporter = _exporter(metrics, port, batch_size=4)
        exporter.start()
        for event in events(10):
            exporter.submit(event)
        messages = await received.until(10)
        await exporter.stop()
    assert sorted(_request_ids(messages)) == sorted(f"req_{i}" for i in range(10))
    assert all(PROMPT.encode() not in message for message in messages)
    assert sample(metrics, EXPORTED, "syslog") == 10


async def test_tcp_receiver_down_at_first_gets_the_records_when_it_comes_back() -> None:
    port, metrics = free_port("127.0.0.1"), Metrics()
    exporter = _exporter(metrics, port)
    exporter.start()
    for event in events(5):
        exporter.submit(event)
    await asyncio.sleep(0.5)  # several refused connection attempts
    assert sample(metrics, EXPORTED, "syslog") == 0
    with syslog_stream_receiver(port, Received()) as received:
        messages = await received.until(5)
        for event in events(3, prefix="after"):
            exporter.submit(event)
        messages = await received.until(8)
        await exporter.stop()
    assert sorted(_request_ids(messages)) == sorted(
        [f"req_{i}" for i in range(5)] + [f"after_{i}" for i in range(3)]
    )
    assert sample(metrics, DROPPED, "syslog") == 0


async def test_a_full_queue_drops_and_counts_without_waiting() -> None:
    port, metrics = free_port("127.0.0.1"), Metrics()
    exporter = _exporter(metrics, port, queue_size=3)
    exporter.start()
    for event in events(10):
        exporter.submit(event)  # synchronous: the receiver is down and the queue fills at once
    assert sample(metrics, DROPPED, "syslog") == 7
    assert (
        metrics.registry.get_sample_value(
            "sovereign_router_audit_export_queue_depth", {"sink": "syslog"}
        )
        == 3
    )
    with syslog_stream_receiver(port, Received()) as received:
        messages = await received.until(3)
        await exporter.stop()
    assert sorted(_request_ids(messages)) == ["req_0", "req_1", "req_2"]


async def test_shutdown_flushes_what_is_queued() -> None:
    port, metrics = free_port("127.0.0.1"), Metrics()
    with syslog_stream_receiver(port, Received()) as received:
        exporter = _exporter(metrics, port, batch_size=50)
        exporter.start()
        for event in events(500):
            exporter.submit(event)
        await exporter.stop()  # returns once all 500 are written
        assert len(await received.until(500)) == 500
    assert sample(metrics, EXPORTED, "syslog") == 500


async def test_shutdown_gives_up_after_its_timeout_and_counts_the_loss() -> None:
    port, metrics = free_port("127.0.0.1"), Metrics()
    exporter = _exporter(metrics, port, shutdown_timeout_seconds=0.3)
    exporter.start()
    for event in events(4):
        exporter.submit(event)
    await asyncio.wait_for(exporter.stop(), 5)  # bounded by the shutdown timeout, not the backoff
    assert sample(metrics, DROPPED, "syslog") == 4


async def test_tls_verifies_the_receiver_against_the_ca_file(tmp_path: Path) -> None:
    tls = make_tls_files(tmp_path)
    port, metrics = free_port("127.0.0.1"), Metrics()
    with syslog_stream_receiver(port, Received(), tls=tls.server_context()) as received:
        exporter = _exporter(metrics, port, transport="tls", ca_file=tls.ca_file)
        exporter.start()
        for event in events(3):
            exporter.submit(event)
        messages = await received.until(3)
        await exporter.stop()
    assert sorted(_request_ids(messages)) == ["req_0", "req_1", "req_2"]


async def test_tls_refuses_a_receiver_the_ca_did_not_sign(tmp_path: Path) -> None:
    trusted = make_tls_files(tmp_path / "trusted")
    impostor = make_tls_files(tmp_path / "impostor")
    port, metrics = free_port("127.0.0.1"), Metrics()
    with syslog_stream_receiver(port, Received(), tls=impostor.server_context()) as received:
        exporter = _exporter(
            metrics, port, transport="tls", ca_file=trusted.ca_file, shutdown_timeout_seconds=0.5
        )
        exporter.start()
        exporter.submit(events(1)[0])
        await asyncio.sleep(0.5)
        await exporter.stop()
        assert received.snapshot() == []
    assert sample(metrics, DROPPED, "syslog") == 1


async def test_udp_sends_one_datagram_per_event() -> None:
    port, metrics = free_port("127.0.0.1"), Metrics()
    with syslog_udp_receiver(port, Received()) as received:
        exporter = _exporter(metrics, port, transport="udp", format="cef")
        exporter.start()
        for event in events(3):
            exporter.submit(event)
        messages = await received.until(3)
        await exporter.stop()
    assert all(b" - CEF:0|sovereign-router|" in message for message in messages)
    assert sorted(m.split(b"externalId=")[1].split(b" ")[0] for m in messages) == [
        b"req_0",
        b"req_1",
        b"req_2",
    ]
