"""Tools, tool calls and multi-part content pass through the router unchanged, both ways."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import TOOL_ARGUMENTS, FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "visiting_hours",
            "description": "Visiting hours of a hospital ward.",
            "parameters": {
                "type": "object",
                "properties": {"ward": {"type": "string"}},
                "required": ["ward"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    }
]
QUESTION: list[Any] = [{"role": "user", "content": "When can I visit the cardiology ward?"}]


@pytest.fixture
def fake_and_router(
    make_router: RouterFactory, tmp_path: Path
) -> Iterator[tuple[FakeBackend, RunningRouter]]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        policy = fake_routes_policy(
            tmp_path / "policy", {"tool-call": [f"{url}/v1"], "ok": [f"{url}/v1"]}
        )
        with make_router(policy, local_model={"autostart": False}) as router:
            yield backend, router


def _client(router: RunningRouter) -> openai.OpenAI:
    return openai.OpenAI(base_url=router.base_url, api_key=router.key("general"), max_retries=0)


def test_tools_reach_the_backend_and_the_tool_call_comes_back(
    fake_and_router: tuple[FakeBackend, RunningRouter],
) -> None:
    backend, router = fake_and_router
    answer = _client(router).chat.completions.create(
        model="tool-call",
        messages=QUESTION,
        tools=TOOLS,
        tool_choice="auto",
        parallel_tool_calls=False,
    )
    sent = backend.received[-1]
    assert sent["tools"] == TOOLS
    assert sent["tool_choice"] == "auto"
    assert sent["parallel_tool_calls"] is False
    choice = answer.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls is not None
    call = choice.message.tool_calls[0]
    assert call.type == "function"
    assert call.function.name == "visiting_hours"
    assert json.loads(call.function.arguments) == {"ward": "cardiology"}


def test_streamed_tool_call_arrives_in_pieces_the_sdk_can_join(
    fake_and_router: tuple[FakeBackend, RunningRouter],
) -> None:
    _, router = fake_and_router
    stream = _client(router).chat.completions.create(
        model="tool-call", messages=QUESTION, tools=TOOLS, stream=True
    )
    name, arguments, finish = "", "", None
    for chunk in stream:
        for choice in chunk.choices:
            for call in choice.delta.tool_calls or []:
                name += call.function.name or "" if call.function else ""
                arguments += call.function.arguments or "" if call.function else ""
            finish = choice.finish_reason or finish
    assert name == "visiting_hours"
    assert arguments == TOOL_ARGUMENTS
    assert finish == "tool_calls"


def test_a_tool_result_turn_is_forwarded_as_sent(
    fake_and_router: tuple[FakeBackend, RunningRouter],
) -> None:
    backend, router = fake_and_router
    conversation: list[Any] = [
        *QUESTION,
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "visiting_hours", "arguments": TOOL_ARGUMENTS},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "Daily 10:00 to 20:00."},
    ]
    _client(router).chat.completions.create(model="ok", messages=conversation, tools=TOOLS)
    assert backend.received[-1]["messages"] == conversation


def test_multi_part_text_content_is_forwarded_as_parts(
    fake_and_router: tuple[FakeBackend, RunningRouter],
) -> None:
    backend, router = fake_and_router
    parts: list[Any] = [
        {"type": "text", "text": "Summarise the ward rules."},
        {"type": "text", "text": "Keep it short."},
    ]
    answer = _client(router).chat.completions.create(
        model="ok", messages=[{"role": "user", "content": parts}]
    )
    assert answer.choices[0].message.content
    assert backend.received[-1]["messages"][0]["content"] == parts
