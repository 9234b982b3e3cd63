"""A policy reload that removes a route while a stream is in flight on it: the stream finishes
on the old route and its record completes; new requests follow the new policy, to the route
that replaced it or refused when their model is gone, and are audited either way."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openai
import pytest

from router.audit.sql_trail import AuditRecordRow
from tests.conftest import RouterFactory, RunningRouter
from tests.reliability.support import client_for, settled_trail
from tests.support.fake_backend import FakeBackend
from tests.support.policies import write_policy

TEXT = "Hello from the fake backend."


def _route(url: str, model: str) -> dict[str, Any]:
    return {
        "kind": "openai_compatible",
        "model": model,
        "endpoints": [url],
        "data_boundary": "on_prem",
    }


def _policy(directory: Path, url: str, *, with_slow_route: bool) -> None:
    routes = {"steady": _route(url, "ok")}
    models: dict[str, Any] = {"chat": {"routes": ["steady"]}}
    if with_slow_route:
        routes["slow"] = _route(url, "very-slow-stream")
        models = {"chat": {"routes": ["slow"]}, "ward-bot": {"routes": ["slow"]}}
    write_policy(
        directory,
        routes=routes,
        models=models,
        workloads={"general": {"tier": "non_phi", "models": list(models)}},
        tiers={tier: list(routes) for tier in ("non_phi", "sometimes_phi", "phi_heavy")},
    )


@pytest.fixture
def policy_dir(fake: tuple[FakeBackend, str], tmp_path: Path) -> Path:
    _policy(tmp_path / "policy", fake[1], with_slow_route=True)
    return tmp_path / "policy"


@pytest.fixture
def router(make_router: RouterFactory, policy_dir: Path) -> Iterator[RunningRouter]:
    with make_router(policy_dir, local_model={"autostart": False}) as running:
        yield running


def _stream(client: openai.OpenAI, first_chunk: list[float]) -> tuple[str, str, str]:
    """Read a stream to its end; its request id, the route that served it, and its text."""
    pieces: list[str] = []
    with client.chat.completions.with_streaming_response.create(
        model="chat", messages=[{"role": "user", "content": "hi"}], stream=True
    ) as response:
        for chunk in response.parse():
            first_chunk.append(time.monotonic())
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
        headers = response.headers
    return headers["x-request-id"], headers["x-router-route"], "".join(pieces)


def _wait_for_new_version(router: RunningRouter, old: str, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while router.services.policies.current.version == old:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_removing_a_route_in_use_lets_its_stream_finish_and_moves_new_requests(
    router: RunningRouter, policy_dir: Path, fake: tuple[FakeBackend, str]
) -> None:
    with client_for(router, timeout=30) as client:
        old_version = router.services.policies.current.version
        first_chunk: list[float] = []
        with ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(_stream, client, first_chunk)
            while not first_chunk and not in_flight.done():
                time.sleep(0.02)
            _policy(policy_dir, fake[1], with_slow_route=False)
            assert _wait_for_new_version(router, old_version), "the edited policy was not loaded"
            assert not in_flight.done(), (
                "the stream ended before the reload; the test proves nothing"
            )

            moved = client.chat.completions.with_raw_response.create(
                model="chat", messages=[{"role": "user", "content": "hi"}]
            )
            with pytest.raises(openai.NotFoundError) as gone:
                client.chat.completions.create(
                    model="ward-bot", messages=[{"role": "user", "content": "hi"}]
                )
            request_id, route, text = in_flight.result(timeout=30)

        assert (route, text) == ("slow", TEXT)
        assert moved.headers["x-router-route"] == "steady"
        assert moved.parse().choices[0].message.content == TEXT
        assert gone.value.code == "model_not_found"

        reading = settled_trail(router.services.database)
        assert reading.records == 3 and reading.incomplete == []
        assert reading.closes == reading.opens
        with router.services.database.session() as session:
            row = session.get(AuditRecordRow, request_id)
        assert row is not None and (row.route, row.status_code) == ("slow", 200)
