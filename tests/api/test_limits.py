"""Request limits: each breach is an OpenAI-style 4xx with its own code; at the limit, served.

The openai SDK is the client, against a real router over HTTP and the fake upstream.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from openai.types.chat import ChatCompletionUserMessageParam

from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread

LIMITS = {
    "max_messages": 5,
    "max_message_chars": 100,
    "max_total_chars": 300,
    "max_tools": 2,
    "max_n": 3,
    "max_output_tokens": 50,
    "max_header_bytes": 4096,
}
SECRET = "Jonathan Q. Patientname"


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with serve_in_thread(FakeBackend().app) as url:
        yield f"{url}/v1"


@pytest.fixture
def router(make_router: RouterFactory, upstream: str, tmp_path: Path) -> Iterator[RunningRouter]:
    policy = fake_routes_policy(tmp_path / "policy", {"ok": [upstream]})
    with make_router(policy, limits=LIMITS, max_body_bytes=64 * 1024) as running:
        yield running


@pytest.fixture
def sdk(router: RunningRouter) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=router.base_url, api_key=router.key("general"), max_retries=0, timeout=30
    ) as client:
        yield client


def _user(text: str) -> ChatCompletionUserMessageParam:
    return {"role": "user", "content": text}


def _tool(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}


def _refusal(sdk: openai.OpenAI, **request: Any) -> openai.APIStatusError:
    request.setdefault("model", "ok")
    with pytest.raises(openai.APIStatusError) as caught:
        sdk.chat.completions.create(**request)
    return caught.value


@pytest.mark.parametrize(
    ("request_fields", "code", "param"),
    [
        ({"messages": [_user("hi")] * 6}, "too_many_messages", "messages"),
        ({"messages": [_user("x" * 101)]}, "message_too_long", "messages.0.content"),
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "text": "x" * 101}]}]},
            "message_too_long",
            "messages.0.content",
        ),
        ({"messages": [_user("x" * 100)] * 4}, "content_too_long", None),
        (
            {"messages": [_user("hi")], "tools": [_tool("a"), _tool("b"), _tool("c")]},
            "too_many_tools",
            "tools",
        ),
        ({"messages": [_user("hi")], "n": 4}, "invalid_n", "n"),
        ({"messages": [_user("hi")], "n": 0}, "invalid_n", "n"),
        ({"messages": [_user("hi")], "max_tokens": 51}, "invalid_max_tokens", "max_tokens"),
        ({"messages": [_user("hi")], "max_tokens": 0}, "invalid_max_tokens", "max_tokens"),
        (
            {"messages": [_user("hi")], "max_completion_tokens": 10_000},
            "invalid_max_tokens",
            "max_completion_tokens",
        ),
    ],
)
def test_each_chat_limit_is_a_400_with_its_code(
    sdk: openai.OpenAI, request_fields: dict[str, Any], code: str, param: str | None
) -> None:
    error = _refusal(sdk, **request_fields)
    assert error.status_code == 400
    assert isinstance(error.body, dict)
    assert error.body["code"] == code
    assert error.body["param"] == param
    assert error.body["type"] == "invalid_request_error"


def test_requests_at_every_limit_are_served(sdk: openai.OpenAI) -> None:
    reply = sdk.chat.completions.create(
        model="ok",
        messages=[_user("x" * 100), _user("x" * 100), _user("x" * 100)],
        tools=[_tool("a"), _tool("b")],  # type: ignore[list-item]
        n=3,
        max_tokens=50,
    )
    assert reply.choices[0].message.content


def test_limit_messages_never_echo_content(sdk: openai.OpenAI) -> None:
    error = _refusal(sdk, messages=[_user(SECRET * 10)])
    assert error.status_code == 400
    assert SECRET not in error.response.text


def test_completions_prompt_counts_towards_total_text(router: RunningRouter) -> None:
    with (
        openai.OpenAI(
            base_url=router.base_url, api_key=router.key("general"), max_retries=0
        ) as sdk,
        pytest.raises(openai.BadRequestError) as caught,
    ):
        sdk.completions.create(model="ok", prompt="x" * 301)
    assert isinstance(caught.value.body, dict)
    assert caught.value.body["code"] == "content_too_long"


def test_oversized_headers_get_431_as_json(sdk: openai.OpenAI) -> None:
    error = _refusal(sdk, messages=[_user("hi")], extra_headers={"X-Padding": "p" * 5000})
    assert error.status_code == 431
    assert isinstance(error.body, dict)
    assert error.body["code"] == "request_header_fields_too_large"
    assert "Traceback" not in error.response.text


def test_headers_within_the_limit_are_served(sdk: openai.OpenAI) -> None:
    reply = sdk.chat.completions.create(
        model="ok", messages=[_user("hi")], extra_headers={"X-Padding": "p" * 3000}
    )
    assert reply.choices[0].message.content


def test_unauthenticated_oversized_headers_are_refused_before_authentication(
    router: RunningRouter,
) -> None:
    response = httpx.get(f"{router.base_url}/models", headers={"X-Padding": "p" * 5000})
    assert response.status_code == 431
    assert response.json()["error"]["code"] == "request_header_fields_too_large"
