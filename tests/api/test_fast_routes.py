"""The generation endpoints answered ahead of FastAPI give exactly what the FastAPI routes give,
and the schema still documents every one of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.types import Receive, Scope, Send

from router.api.fast_routes import RouterApp
from router.api.openai_routes import GENERATION_ENDPOINTS
from router.app import create_app
from router.identity.api_keys import KeyScope
from router.phi import Classifier
from router.settings import Settings
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread

_CHAT = {"model": "ok", "messages": [{"role": "user", "content": "hi"}]}
# Headers whose values differ on every request.
_PER_REQUEST = ("x-request-id", "x-router-decision-id", "date", "content-length")


@pytest.fixture
def served(tmp_path: Path, classifier: Classifier) -> Iterator[tuple[RouterApp, str, str]]:
    """The app, its URL and a key for the `general` workload, in front of a fake backend."""
    backend = FakeBackend()
    with serve_in_thread(backend.app) as backend_url:
        policy = fake_routes_policy(tmp_path / "policy", {"ok": [f"{backend_url}/v1"]})
        settings = Settings(
            policy_dir=policy, data_dir=tmp_path / "data", local_model={"autostart": False}
        )
        app = create_app(settings, classifier=classifier)
        assert isinstance(app, RouterApp)
        with serve_in_thread(app) as url:
            key = app.state.services.api_keys.create("t", KeyScope(workloads=("general",)))
            yield app, url, key.secret


def _requests(key: str) -> list[tuple[str, dict[str, str], bytes]]:
    auth = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    return [
        ("ok", auth, orjson.dumps(_CHAT)),
        ("stream", auth, orjson.dumps({**_CHAT, "stream": True})),
        ("no credentials", {"content-type": "application/json"}, orjson.dumps(_CHAT)),
        ("bad key", {**auth, "authorization": "Bearer srk_abc_def"}, orjson.dumps(_CHAT)),
        ("bad json", auth, b"{not json"),
        ("bad shape", auth, orjson.dumps({"model": "ok", "messages": []})),
        ("unknown model", auth, orjson.dumps({**_CHAT, "model": "nope"})),
        ("huge headers", {**auth, "x-padding": "p" * 20_000}, orjson.dumps(_CHAT)),
    ]


def _answers(url: str, key: str) -> dict[str, tuple[int, dict[str, str], Any]]:
    answers = {}
    with httpx.Client(base_url=url, timeout=20) as client:
        for name, headers, body in _requests(key):
            response = client.post("/v1/chat/completions", content=body, headers=headers)
            kept = {k: v for k, v in response.headers.items() if k not in _PER_REQUEST}
            text = response.text
            content = [line for line in text.splitlines() if line] if "data:" in text else None
            answers[name] = (response.status_code, kept, content or _without_ids(text))
    return answers


def _without_ids(text: str) -> Any:
    body = orjson.loads(text)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"].pop("decision_id", None)
    return body


def test_the_fast_routes_answer_as_the_fastapi_routes_do(
    served: tuple[RouterApp, str, str],
) -> None:
    app, url, key = served
    calls: list[str] = []

    def counted(path: str, handler: Any) -> Any:
        async def call(scope: Scope, receive: Receive, send: Send) -> None:
            calls.append(path)
            await handler(scope, receive, send)

        return call

    app.fast_routes = {path: counted(path, h) for path, h in app.fast_routes.items()}
    fast = _answers(url, key)
    assert len(calls) == len(_requests(key))
    app.fast_routes = {}  # every request now goes through FastAPI's routes
    through_fastapi = _answers(url, key)
    assert len(calls) == len(_requests(key))
    assert fast == through_fastapi
    assert fast["ok"][0] == 200 and fast["stream"][2][-1] == "data: [DONE]"
    assert [fast[name][0] for name in ("no credentials", "bad json", "huge headers")] == [
        401,
        400,
        431,
    ]


def test_every_fast_route_is_a_documented_post_endpoint(
    served: tuple[RouterApp, str, str],
) -> None:
    app, _, _ = served
    paths = app.openapi()["paths"]
    assert set(app.fast_routes) == set(GENERATION_ENDPOINTS)
    for path in GENERATION_ENDPOINTS:
        assert "requestBody" in paths[path]["post"]
