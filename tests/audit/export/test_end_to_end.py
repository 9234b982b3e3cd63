"""A router configured with SIEM sinks: a request through the `openai` SDK reaches the
collector and the syslog receiver as metadata, without its prompt."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import openai
import orjson
import pytest

from router.supervisor import free_port
from tests.audit.export.receivers import (
    Collector,
    Received,
    http_collector,
    syslog_stream_receiver,
)
from tests.audit.export.support import PROMPT, sample
from tests.conftest import RouterFactory
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread

HEC_PATH = "/services/collector/event"


@pytest.fixture
def policy(tmp_path: Path) -> Iterator[Path]:
    with serve_in_thread(FakeBackend().app) as url:
        yield fake_routes_policy(tmp_path / "policy", {"ok": [f"{url}/v1"]})


def _ask(base_url: str, key: str) -> str:
    client = openai.OpenAI(base_url=base_url, api_key=key, max_retries=0, timeout=20)
    raw = client.chat.completions.with_raw_response.create(
        model="ok", messages=[{"role": "user", "content": PROMPT}]
    )
    assert raw.parse().choices[0].message.content
    return raw.headers["x-request-id"]


def test_a_routed_request_reaches_hec_and_syslog_without_its_prompt(
    make_router: RouterFactory, policy: Path
) -> None:
    collector, received = Collector(), Received()
    hec_port, syslog_port = free_port("127.0.0.1"), free_port("127.0.0.1")
    siem = [
        {
            "kind": "http",
            "format": "splunk_hec",
            "url": f"http://127.0.0.1:{hec_port}{HEC_PATH}",
            "token": "hec-e2e",
        },
        {
            "kind": "syslog",
            "host": "127.0.0.1",
            "port": syslog_port,
            "format": "structured_data",
        },
    ]
    with (
        http_collector(collector, hec_port),
        syslog_stream_receiver(syslog_port, received),
        make_router(policy, siem=siem, local_model={"autostart": False}) as router,
    ):
        request_id = _ask(router.base_url, router.key("general"))
        ((path, headers, body),) = collector.wait_for(1)
        (message,) = received.wait_for(1)
    assert (path, headers["authorization"]) == (HEC_PATH, "Splunk hec-e2e")
    event = orjson.loads(body)["event"]
    assert event["request_id"] == request_id
    assert (event["workload"], event["route"], event["outcome"]) == ("general", "ok", "route")
    assert event["decision_id"].startswith("dec_") and event["rule"]
    assert (event["status_code"], event["complete"]) == (200, True)
    assert event["effective_tier"] == "phi_heavy" and event["entity_counts"]
    assert event["principal_kind"] == "api_key" and event["api_key_id"].startswith("srk_")
    for text in (body, message):
        assert b"Jane" not in text and b"12345678" not in text and b"chest" not in text
    assert f'request_id="{request_id}"'.encode() in message
    assert b'workload="general"' in message and b'route="ok"' in message


def test_a_dead_sink_drops_and_counts_while_requests_are_served(
    make_router: RouterFactory, policy: Path
) -> None:
    siem = [
        {
            "kind": "syslog",
            "host": "127.0.0.1",
            "port": free_port("127.0.0.1"),  # nothing listens
            "queue_size": 1,
            "linger_seconds": 0,  # the sender holds one event; a batch would hide the overflow
            "shutdown_timeout_seconds": 0.2,
        }
    ]
    with make_router(policy, siem=siem, local_model={"autostart": False}) as router:
        key = router.key("general")
        request_ids = {_ask(router.base_url, key) for _ in range(5)}
        metrics = router.services.metrics
        # A record closes just after its response is sent, so the last event may still be on
        # its way to the queue when the client has its answer.
        deadline = time.monotonic() + 5
        while sample(metrics, "sovereign_router_audit_export_dropped_total", "syslog") < 1:
            assert time.monotonic() < deadline, "a full queue dropped nothing"
            time.sleep(0.02)
    assert len(request_ids) == 5
    # Shutdown could not deliver the rest either: every event is accounted for as dropped.
    assert sample(metrics, "sovereign_router_audit_export_dropped_total", "syslog") == 5
    assert sample(metrics, "sovereign_router_audit_exported_total", "syslog") == 0
