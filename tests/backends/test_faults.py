"""A backend that refuses, fails, hangs or dies mid-stream: the client gets a clean OpenAI-style
error or a terminated stream with an error event, never a hang, and the audit record closes."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from sqlmodel import select

from router.audit.sql_trail import AuditRecordRow
from router.supervisor import free_port
from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread


@pytest.fixture
def fake() -> Iterator[tuple[FakeBackend, str]]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        yield backend, f"{url}/v1"


@pytest.fixture
def router(
    make_router: RouterFactory, fake: tuple[FakeBackend, str], tmp_path: Path
) -> Iterator[RunningRouter]:
    _, url = fake
    dead = f"http://127.0.0.1:{free_port('127.0.0.1')}/v1"  # nothing listens here
    behaviours = [
        "ok",
        "error-500",
        "unavailable",
        "malformed",
        "hang",
        "cut-stream",
        "slow-stream",
    ]
    endpoints = {name: [url] for name in behaviours}
    endpoints["refused"] = [dead]
    endpoints["ok"] = [dead, url]  # one dead replica beside a live one
    policy = fake_routes_policy(tmp_path / "policy", endpoints)
    upstream = {"read_timeout_seconds": 1.5, "connect_timeout_seconds": 1.0}
    with make_router(policy, upstream=upstream, local_model={"autostart": False}) as running:
        yield running


def _client(router: RunningRouter) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=router.base_url, api_key=router.key("general"), max_retries=0, timeout=20
    )


def _ask(client: openai.OpenAI, model: str) -> str | None:
    completion = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "hi"}]
    )
    return completion.choices[0].message.content


def _audit_rows(router: RunningRouter) -> list[AuditRecordRow]:
    with router.services.database.session() as session:
        return list(session.exec(select(AuditRecordRow)).all())


def _closed_row(router: RunningRouter, model: str) -> AuditRecordRow:
    """The audit record closes just after the response ends; wait for it a little."""
    deadline = time.monotonic() + 10
    while True:
        rows = [row for row in _audit_rows(router) if row.logical_model == model]
        if (rows and rows[0].completed_at is not None) or time.monotonic() > deadline:
            return rows[0]
        time.sleep(0.05)


def test_a_dead_replica_is_skipped_and_the_live_one_answers(router: RunningRouter) -> None:
    client = _client(router)
    for _ in range(3):
        assert _ask(client, "ok") == "Hello from the fake backend."


@pytest.mark.parametrize(
    ("model", "status", "error_type"),
    [
        ("refused", 503, openai.InternalServerError),
        ("error-500", 502, openai.InternalServerError),
        ("unavailable", 503, openai.InternalServerError),
        ("malformed", 502, openai.InternalServerError),
        ("hang", 504, openai.InternalServerError),
    ],
)
def test_backend_failures_become_clean_errors(
    router: RunningRouter, model: str, status: int, error_type: type[Exception]
) -> None:
    started = time.monotonic()
    with pytest.raises(openai.APIStatusError) as caught:
        _ask(_client(router), model)
    assert caught.value.status_code == status
    assert isinstance(caught.value, error_type)
    assert caught.value.body["type"] in ("upstream_error", "service_unavailable")  # type: ignore[index]
    assert time.monotonic() - started < 10
    row = _closed_row(router, model)
    assert row.status_code == status and row.completed_at is not None


def test_failover_stays_inside_the_permitted_routes(
    router: RunningRouter, fake: tuple[FakeBackend, str]
) -> None:
    backend, _ = fake
    # `failover` may use every route in policy order: ok first, so it answers directly.
    assert _ask(_client(router), "failover") == "Hello from the fake backend."
    assert backend.received[-1]["model"] == "ok"


def test_stream_cut_midway_ends_with_an_error_event(router: RunningRouter) -> None:
    client = _client(router)
    received: list[str] = []
    with pytest.raises(openai.APIError) as caught:
        for chunk in client.chat.completions.create(
            model="cut-stream", messages=[{"role": "user", "content": "hi"}], stream=True
        ):
            received.append(chunk.choices[0].delta.content or "")
    assert "".join(received) == "Hello from the"
    assert "closed the stream" in str(caught.value)
    row = _closed_row(router, "cut-stream")
    assert row.status_code == 502 and row.error_class == "UpstreamError"


def test_chunks_are_relayed_as_produced(router: RunningRouter) -> None:
    client = _client(router)
    arrivals = []
    for chunk in client.chat.completions.create(
        model="slow-stream", messages=[{"role": "user", "content": "hi"}], stream=True
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            arrivals.append(time.monotonic())
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert len(arrivals) == 6
    assert min(gaps) > 0.15  # each chunk arrived when the backend produced it, not at the end


def test_client_disconnect_cancels_upstream_and_closes_the_audit_record(
    router: RunningRouter, fake: tuple[FakeBackend, str]
) -> None:
    backend, _ = fake
    headers = {"Authorization": f"Bearer {router.key('general')}"}
    body = {"model": "slow-stream", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    with httpx.stream(
        "POST", f"{router.base_url}/chat/completions", json=body, headers=headers
    ) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                break  # hang up after the first event
    row = _closed_row(router, "slow-stream")
    assert row.status_code == 499
    deadline = time.monotonic() + 5
    while not backend.cancelled_streams and time.monotonic() < deadline:
        time.sleep(0.05)
    assert backend.cancelled_streams == 1
