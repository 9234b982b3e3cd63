"""Bad input: a 4xx in OpenAI's error JSON, with a clear message that never echoes content."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RouterFactory, RunningRouter

SECRET = "Jonathan Q. Patientname"


@pytest.fixture
def client(
    make_router: RouterFactory, llama_url: str
) -> Iterator[tuple[httpx.Client, RunningRouter]]:
    with make_router(local_model={"url": llama_url}, max_body_bytes=64 * 1024) as running:
        headers = {"Authorization": f"Bearer {running.key('general')}"}
        with httpx.Client(base_url=running.base_url, headers=headers, timeout=30) as http:
            yield http, running


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "invalid_json"),
        (b"", 400, "invalid_request"),
        (b"[1, 2]", 400, "invalid_json"),
        (b'{"model": "chat", "messages": "' + b"\xff\xfe" + b'"}', 400, "invalid_encoding"),
        (b'{"model": "chat", "messages": []}', 400, "invalid_request"),
        (b'{"model": 7, "messages": [{"role": "user", "content": "x"}]}', 400, "invalid_request"),
        (b'{"messages": [{"role": "user", "content": "x"}]}', 400, "invalid_request"),
        (
            b'{"model": "chat", "messages": [{"role": "wizard", "content": "x"}]}',
            400,
            "invalid_request",
        ),
        (
            b'{"model": "chat", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}',
            400,
            "invalid_request",
        ),
        (
            b'{"model": "nope", "messages": [{"role": "user", "content": "x"}]}',
            404,
            "model_not_found",
        ),
        (b'{"a":' * 100 + b"1" + b"}" * 100, 400, "too_deep"),
    ],
)
def test_malformed_requests(
    client: tuple[httpx.Client, RunningRouter], body: bytes, status: int, code: str
) -> None:
    http, _ = client
    response = http.post(
        "/chat/completions", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and "Traceback" not in response.text


def test_body_over_the_limit_is_413(client: tuple[httpx.Client, RunningRouter]) -> None:
    http, _ = client
    big = {"model": "chat", "messages": [{"role": "user", "content": "a" * 70_000}]}
    response = http.post("/chat/completions", json=big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_errors_never_echo_content(client: tuple[httpx.Client, RunningRouter]) -> None:
    http, _ = client
    bad_role = {"model": "chat", "messages": [{"role": SECRET, "content": SECRET}]}
    wrong_model = {"model": SECRET, "messages": [{"role": "user", "content": SECRET}]}
    for body in (bad_role, wrong_model):
        response = http.post("/chat/completions", json=body)
        assert response.status_code in (400, 404)
        assert SECRET not in response.text


def test_unknown_workload_header_is_400(client: tuple[httpx.Client, RunningRouter]) -> None:
    http, running = client
    key = running.key("general", "clinical")
    body = {"model": "chat", "messages": [{"role": "user", "content": "x"}], "max_tokens": 2}
    response = http.post("/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "workload_required"
    response = http.post(
        "/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {key}", "X-Router-Workload": "general"},
    )
    assert response.status_code == 200
    response = http.post(
        "/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {key}", "X-Router-Workload": "payroll"},
    )
    assert response.status_code == 400
    response = http.post(
        "/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {key}", "X-Router-Workload": "member-services"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["type"] == "permission_error"


@pytest.mark.parametrize("prompt", [[1, 2, 3], [[1, 2], [3]], ["text", 7]])
def test_token_id_prompts_cannot_be_scanned_so_they_are_refused(
    client: tuple[httpx.Client, RunningRouter], prompt: object
) -> None:
    http, _ = client
    response = http.post("/completions", json={"model": "chat", "prompt": prompt, "max_tokens": 2})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
