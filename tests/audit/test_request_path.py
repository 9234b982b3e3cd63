"""Through the real request path (the `openai` SDK against a running router): every request
leaves an encrypted, chained record whose bodies are what went upstream and what came back."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from sqlalchemy import text

from router.audit.reader import show_record
from router.audit.verify import verify_chain
from tests.conftest import RouterFactory, RunningRouter
from tests.storage.databases import postgres_url
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread

MESSAGES = [{"role": "user", "content": "Summarise the visiting hours, please."}]


@pytest.fixture(params=["sqlite", "postgresql"])
def router(
    request: pytest.FixtureRequest, make_router: RouterFactory, tmp_path: Path
) -> Iterator[RunningRouter]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        policy = fake_routes_policy(tmp_path / "policy", {"ok": [f"{url}/v1"]})
        options = {"local_model": {"autostart": False}}
        if request.param == "sqlite":
            with make_router(policy, **options) as running:
                yield running
            return
        with (
            postgres_url("request_path") as database_url,
            make_router(policy, database_url=database_url, **options) as running,
        ):
            yield running


def _closed(router: RunningRouter, request_id: str) -> list[dict[str, object]]:
    """The record closes just after the response ends; wait for it a little."""
    ring = router.services.audit._ring  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while True:
        with router.services.database.engine.connect() as connection:
            kinds = connection.execute(
                text("SELECT kind FROM audit_events WHERE request_id = :r"), {"r": request_id}
            ).scalars()
            if "close" in list(kinds) or time.monotonic() > deadline:
                break
        time.sleep(0.05)
    return show_record(router.services.database, ring, request_id, "test")


def test_a_streamed_request_leaves_a_complete_encrypted_chained_record(
    router: RunningRouter,
) -> None:
    client = openai.OpenAI(base_url=router.base_url, api_key=router.key("general"), max_retries=0)
    response = client.chat.completions.with_raw_response.create(
        model="ok",
        messages=MESSAGES,  # type: ignore[arg-type]
        stream=True,
    )
    request_id = response.headers["x-request-id"]
    chunks = list(response.parse())
    assert chunks
    entries = _closed(router, request_id)
    assert [entry["kind"] for entry in entries] == ["open", "close"]
    sent = json.loads(str(entries[0]["body"]))
    assert sent["messages"] == MESSAGES and sent["stream"] is True
    assert "Hello" in str(entries[1]["body"])  # the stream as the backend sent it
    opened, closed = (entry["metadata"] for entry in entries)
    assert isinstance(opened, dict) and isinstance(closed, dict)
    assert opened["workload"] == "general" and opened["route"] == "ok"
    assert closed["status_code"] == 200
    with router.services.database.engine.connect() as connection:
        stored = connection.execute(text("SELECT body FROM audit_events")).scalars().all()
    assert stored and all(b"visiting hours" not in bytes(body) for body in stored if body)
    ring = router.services.audit._ring  # type: ignore[attr-defined]
    assert verify_chain(router.services.database, ring).intact
