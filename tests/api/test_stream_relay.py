"""A streamed answer that needs no re-identification goes to the client as the upstream sent it,
and is still counted for the audit record."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from sqlmodel import select

from router.audit.sql_trail import AuditRecordRow
from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import SPACED_STREAM, FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread


@pytest.fixture
def router(make_router: RouterFactory, tmp_path: Path) -> Iterator[RunningRouter]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        policy = fake_routes_policy(tmp_path / "policy", {"spaced-stream": [f"{url}/v1"]})
        with make_router(policy, local_model={"autostart": False}) as running:
            yield running


def _stream(router: RunningRouter, **extra: object) -> bytes:
    body = {
        "model": "spaced-stream",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
        **extra,
    }
    headers = {"Authorization": f"Bearer {router.key('general')}"}
    response = httpx.post(f"{router.base_url}/chat/completions", json=body, headers=headers)
    response.raise_for_status()
    return response.content


def _closed_row(router: RunningRouter) -> AuditRecordRow:
    deadline = time.monotonic() + 10
    while True:
        with router.services.database.session() as session:
            row = session.exec(select(AuditRecordRow)).first()
        if (row is not None and row.completed_at is not None) or time.monotonic() > deadline:
            assert row is not None
            return row
        time.sleep(0.05)


def test_events_arrive_as_the_upstream_wrote_them(router: RunningRouter) -> None:
    assert _stream(router) == SPACED_STREAM + b"data: [DONE]\n\n"
    assert _closed_row(router).status_code == 200


def test_the_usage_chunk_counts_the_relayed_chunks(router: RunningRouter) -> None:
    answer = _stream(router, stream_options={"include_usage": True})
    assert answer.startswith(SPACED_STREAM)
    events = answer[len(SPACED_STREAM) :].split(b"\n\n")
    assert events[-2:] == [b"data: [DONE]", b""]
    usage = orjson.loads(events[0].removeprefix(b"data: "))["usage"]
    assert usage["completion_tokens"] == 1  # the one chunk with content
    assert _closed_row(router).completion_tokens == 1
