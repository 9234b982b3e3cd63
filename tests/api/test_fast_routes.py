"""The generation endpoints answered ahead of FastAPI give exactly what the FastAPI routes give,
and the schema still documents every one of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.types import Receive, Scope, Send

from router.api import openai_routes
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
    if isinstance(body, dict):
        # The backend stamps each completion with the second it answered.
        body.pop("created", None)
        if isinstance(body.get("error"), dict):
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


_SECRET = "Patient Jane Roe, MRN 12345678"


def _json_request(key: str, body: Any, **headers: str) -> tuple[dict[str, str], bytes]:
    auth = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    return {**auth, **headers}, orjson.dumps(body)


def _answer(response: httpx.Response) -> tuple[int, dict[str, str], Any]:
    kept = {k: v for k, v in response.headers.items() if k not in _PER_REQUEST}
    return response.status_code, kept, _without_ids(response.text)


def _post(url: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
    with httpx.Client(base_url=url, timeout=20) as client:
        return _answer(client.post("/v1/chat/completions", content=body, headers=headers))


def _both_ways(
    app: RouterApp, url: str, send: Callable[[], tuple[dict[str, str], bytes]]
) -> tuple[tuple[int, dict[str, str], Any], tuple[int, dict[str, str], Any]]:
    """The answer of the fast route and of the FastAPI route to the request `send()` makes."""
    fast_routes = app.fast_routes
    calls: list[str] = []

    async def counted(scope: Scope, receive: Receive, send_: Send) -> None:
        calls.append(scope["path"])
        await fast_routes[scope["path"]](scope, receive, send_)

    try:
        app.fast_routes = dict.fromkeys(fast_routes, counted)
        request = send()
        calls.clear()  # what `send()` itself asked does not count
        fast = _post(url, *request)
        assert calls == ["/v1/chat/completions"]
        app.fast_routes = {}
        through_fastapi = _post(url, *send())
    finally:
        app.fast_routes = fast_routes
    return fast, through_fastapi


def test_a_body_over_the_limit_is_refused_alike(served: tuple[RouterApp, str, str]) -> None:
    app, url, key = served
    limit = app.state.services.settings.max_body_bytes
    huge = {**_CHAT, "messages": [{"role": "user", "content": "a" * limit}]}
    fast, through_fastapi = _both_ways(app, url, lambda: _json_request(key, huge))
    assert fast == through_fastapi and fast[0] == 413


def test_a_router_that_is_not_ready_answers_alike(served: tuple[RouterApp, str, str]) -> None:
    app, url, key = served
    app.state.services.draining = True
    try:
        fast, through_fastapi = _both_ways(app, url, lambda: _json_request(key, _CHAT))
    finally:
        app.state.services.draining = False
    assert fast == through_fastapi and fast[0] == 503


@pytest.mark.parametrize(("workload", "status"), [("general", 200), ("no-such-workload", 400)])
def test_the_workload_header_is_honoured_alike(
    served: tuple[RouterApp, str, str], workload: str, status: int
) -> None:
    app, url, key = served
    request = _json_request(key, _CHAT, **{"x-router-workload": workload})
    fast, through_fastapi = _both_ways(app, url, lambda: request)
    assert fast == through_fastapi and fast[0] == status


def test_an_unexpected_error_is_answered_alike_without_details(
    served: tuple[RouterApp, str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, url, key = served

    def broken(*_args: object) -> None:
        raise RuntimeError(_SECRET)

    monkeypatch.setattr(openai_routes, "new_request_context", broken)
    fast, through_fastapi = _both_ways(app, url, lambda: _json_request(key, _CHAT))
    assert fast == through_fastapi
    status, headers, body = fast
    assert status == 500 and headers["content-type"] == "application/json"
    assert set(body) == {"error"} and set(body["error"]) >= {"message", "type", "code"}
    text = orjson.dumps(body).decode()
    assert _SECRET not in text and "Traceback" not in text and "RuntimeError" not in text
    assert "unhandled RuntimeError" in caplog.text and _SECRET not in caplog.text


def test_a_rate_limited_key_is_answered_alike(served: tuple[RouterApp, str, str]) -> None:
    app, url, _ = served

    def second_request_of_a_new_key() -> tuple[dict[str, str], bytes]:
        scope = KeyScope(workloads=("general",), requests_per_minute=1)
        key = app.state.services.api_keys.create("limited", scope).secret
        headers, body = _json_request(key, _CHAT)
        assert _post(url, headers, body)[0] == 200
        return headers, body

    fast, through_fastapi = _both_ways(app, url, second_request_of_a_new_key)
    assert fast == through_fastapi and fast[0] == 429


async def test_an_app_without_fast_routes_serves_everything_through_fastapi() -> None:
    app = RouterApp()

    @app.post("/v1/chat/completions")
    async def chat() -> dict[str, str]:
        return {"served_by": "fastapi"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
        response = await client.post("/v1/chat/completions")
    assert response.json() == {"served_by": "fastapi"}


def test_the_generation_endpoints_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        GENERATION_ENDPOINTS["/v1/other"] = GENERATION_ENDPOINTS["/v1/completions"]  # type: ignore[index]
