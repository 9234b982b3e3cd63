"""The HTTP sink against a real collector on loopback: Splunk HEC and a generic webhook."""

from __future__ import annotations

import asyncio

import orjson

from router.audit.export.config import HttpSinkSettings
from router.audit.export.exporter import AuditExporter
from router.metrics import Metrics
from router.supervisor import free_port
from tests.audit.export.receivers import Collector, http_collector
from tests.audit.export.support import PROMPT, events, sample

FAST_RETRY = {"retry_initial_seconds": 0.05, "retry_max_seconds": 0.2}
HEC_PATH = "/services/collector/event"
DROPPED = "sovereign_router_audit_export_dropped_total"
EXPORTED = "sovereign_router_audit_exported_total"


def _hec(metrics: Metrics, port: int, **settings: object) -> AuditExporter:
    sink = HttpSinkSettings(
        url=f"http://127.0.0.1:{port}{HEC_PATH}",
        format="splunk_hec",
        token="hec-token-1",
        splunk_index="audit",
        **{**FAST_RETRY, **settings},
    )
    return AuditExporter.from_settings((sink,), metrics)


def _hec_events(body: bytes) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in body.splitlines()]


def _hec_ids(requests: list[tuple[str, dict[str, str], bytes]]) -> list[str]:
    return sorted(
        str(envelope["event"]["request_id"])  # type: ignore[index]
        for _, _, body in requests
        for envelope in _hec_events(body)
    )


async def test_hec_batches_event_envelopes_with_the_splunk_token() -> None:
    port, metrics, collector = free_port("127.0.0.1"), Metrics(), Collector()
    with http_collector(collector, port):
        exporter = _hec(metrics, port, batch_size=10)
        exporter.start()
        for event in events(3):
            exporter.submit(event)
        await exporter.stop()
    path, headers, body = collector.snapshot()[0]
    assert path == HEC_PATH
    assert headers["authorization"] == "Splunk hec-token-1"
    assert headers["content-type"] == "application/json"
    envelope = _hec_events(body)[0]
    assert envelope["index"] == "audit"
    assert envelope["sourcetype"] == "sovereign_router:audit"
    assert envelope["source"] == "sovereign-router"
    assert envelope["time"] == 1772366402.123456
    assert _hec_ids(collector.snapshot()) == ["req_0", "req_1", "req_2"]
    assert PROMPT.encode() not in body
    assert sample(metrics, EXPORTED, "http") == 3


async def test_webhook_posts_a_json_array_with_a_bearer_token() -> None:
    port, metrics, collector = free_port("127.0.0.1"), Metrics(), Collector()
    sink = HttpSinkSettings(
        url=f"http://127.0.0.1:{port}/hooks/audit",
        token="wh-1",
        name="webhook",
        batch_size=10,
    )
    with http_collector(collector, port):
        exporter = AuditExporter.from_settings((sink,), metrics)
        exporter.start()
        for event in events(2):
            exporter.submit(event)
        await exporter.stop()
    ((path, headers, body),) = collector.snapshot()
    assert (path, headers["authorization"]) == ("/hooks/audit", "Bearer wh-1")
    assert [event["request_id"] for event in orjson.loads(body)] == ["req_0", "req_1"]
    assert sample(metrics, EXPORTED, "webhook") == 2


async def test_429_and_5xx_are_retried_until_accepted() -> None:
    port, metrics = free_port("127.0.0.1"), Metrics()
    collector = Collector(statuses=[503, 429, 500])
    with http_collector(collector, port):
        exporter = _hec(metrics, port, batch_size=10)
        exporter.start()
        for event in events(2):
            exporter.submit(event)
        requests = await collector.until(4)
        await exporter.stop()
    assert len(requests) == 4  # three refusals, then the same batch accepted
    assert {body for _, _, body in requests} == {requests[0][2]}
    assert (sample(metrics, EXPORTED, "http"), sample(metrics, DROPPED, "http")) == (2, 0)


async def test_other_4xx_drops_the_batch_without_retrying() -> None:
    port, metrics = free_port("127.0.0.1"), Metrics()
    collector = Collector(statuses=[400])
    with http_collector(collector, port):
        exporter = _hec(metrics, port, batch_size=10)
        exporter.start()
        for event in events(2):
            exporter.submit(event)
        await collector.until(1)
        await asyncio.sleep(0.3)
        exporter.submit(events(1, prefix="next")[0])
        requests = await collector.until(2)
        await exporter.stop()
    assert len(requests) == 2
    assert _hec_ids(requests[1:]) == ["next_0"]
    assert (sample(metrics, EXPORTED, "http"), sample(metrics, DROPPED, "http")) == (1, 2)


async def test_collector_down_at_first_gets_the_records_when_it_comes_back() -> None:
    port, metrics, collector = free_port("127.0.0.1"), Metrics(), Collector()
    exporter = _hec(metrics, port)
    exporter.start()
    for event in events(4):
        exporter.submit(event)
    await asyncio.sleep(0.5)
    assert sample(metrics, EXPORTED, "http") == 0
    with http_collector(collector, port):
        await collector.until(1)
        for event in events(2, prefix="after"):
            exporter.submit(event)
        await exporter.stop()
    assert _hec_ids(collector.snapshot()) == sorted(
        [f"req_{i}" for i in range(4)] + ["after_0", "after_1"]
    )
    assert sample(metrics, DROPPED, "http") == 0


async def test_a_full_queue_drops_and_counts_without_waiting() -> None:
    port, metrics, collector = free_port("127.0.0.1"), Metrics(), Collector()
    exporter = _hec(metrics, port, queue_size=5, batch_size=100)
    exporter.start()
    for event in events(25):
        exporter.submit(event)  # synchronous: it cannot wait for the collector
    assert sample(metrics, DROPPED, "http") == 20
    with http_collector(collector, port):
        await collector.until(1)
        await exporter.stop()
    assert _hec_ids(collector.snapshot()) == [f"req_{i}" for i in range(5)]
    assert sample(metrics, EXPORTED, "http") == 5


async def test_shutdown_flushes_every_queued_batch() -> None:
    port, metrics, collector = free_port("127.0.0.1"), Metrics(), Collector()
    with http_collector(collector, port):
        exporter = _hec(metrics, port, batch_size=25)
        exporter.start()
        for event in events(200):
            exporter.submit(event)
        await exporter.stop()
        assert len(_hec_ids(collector.snapshot())) == 200
    assert len(collector.snapshot()) >= 8  # batched, at most 25 a request
    assert sample(metrics, EXPORTED, "http") == 200
