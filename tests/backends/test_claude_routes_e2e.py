"""Claude routes end to end: the `openai` SDK calls the router, which calls a local server that
speaks Anthropic's Messages API, the Bedrock Converse API or Vertex AI's Anthropic endpoint, and
the answer comes back in OpenAI's format: text, tool calls, usage, streaming with `[DONE]`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import RouterFactory, RunningRouter
from tests.support import fake_anthropic, fake_bedrock, fake_vertex
from tests.support.claude import claude_policy, claude_route
from tests.support.fake_anthropic import FakeAnthropic, FakeUpstream
from tests.support.fake_backend import FakeBackend
from tests.support.fake_bedrock import FakeBedrock
from tests.support.fake_vertex import FakeVertex
from tests.support.servers import serve_in_thread

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_visiting_hours",
            "description": "Visiting hours of a ward.",
            "parameters": {
                "type": "object",
                "properties": {"ward": {"type": "string"}},
                "required": ["ward"],
            },
        },
    }
]


@pytest.fixture
def vendor_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", fake_anthropic.API_KEY)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", fake_bedrock.ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", fake_bedrock.SECRET_ACCESS_KEY)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def local() -> Iterator[tuple[FakeBackend, str]]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        yield backend, f"{url}/v1"


PIXEL = (  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
FAKES: dict[str, type[FakeAnthropic | FakeBedrock | FakeVertex]] = {
    "anthropic": FakeAnthropic,
    "bedrock": FakeBedrock,
    "vertex_ai": FakeVertex,
}
MODELS = {
    "anthropic": "anthropic/claude-sonnet-4-5",
    "bedrock": "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
    "vertex_ai": "vertex_ai/claude-sonnet-4-5",
}


@pytest.fixture(params=list(FAKES))
def vendor(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[str, FakeUpstream, str]]:
    fake = FAKES[request.param]()
    with serve_in_thread(fake.app) as url:
        credentials = fake_vertex.write_credentials(tmp_path, url)
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(credentials))
        monkeypatch.setenv("VERTEXAI_PROJECT", fake_vertex.PROJECT)
        yield request.param, fake, url


@pytest.fixture
def router(
    make_router: RouterFactory,
    vendor: tuple[str, FakeUpstream, str],
    local: tuple[FakeBackend, str],
    vendor_env: None,
    tmp_path: Path,
) -> Iterator[RunningRouter]:
    kind, _, url = vendor
    routes = {"claude": claude_route(kind, MODELS[kind], url)}
    policy = claude_policy(tmp_path / "policy", routes, local[1])
    with make_router(policy, local_model={"autostart": False}) as running:
        yield running


ClientFactory = Callable[..., openai.OpenAI]


@pytest.fixture
def client(router: RunningRouter) -> Iterator[ClientFactory]:
    """`client(workload)`: an `openai` SDK client with a key for that workload, closed after."""
    opened: list[openai.OpenAI] = []

    def make(workload: str = "general") -> openai.OpenAI:
        sdk = openai.OpenAI(
            base_url=router.base_url, api_key=router.key(workload), max_retries=0, timeout=30
        )
        opened.append(sdk)
        return sdk

    yield make
    for sdk in opened:
        sdk.close()


def test_non_phi_request_goes_to_claude_and_back(
    vendor: tuple[str, FakeUpstream, str], client: ClientFactory
) -> None:
    _, fake, _ = vendor
    reply = client().chat.completions.with_raw_response.create(
        model="chat",
        messages=[
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [{"type": "text", "text": "Summarise the visitor policy."}],
            },
        ],
    )
    completion = reply.parse()
    assert reply.headers["x-router-route"] == "claude"
    assert completion.choices[0].message.content == "You said: Summarise the visitor policy."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (11, 6)
    assert len(fake.received) == 1
    assert "Be brief." in fake.received[0].raw_text  # the system prompt went as the vendor wants


def test_images_travel_inline_as_multi_part_content(
    vendor: tuple[str, FakeUpstream, str], client: ClientFactory
) -> None:
    kind, fake, _ = vendor
    completion = client().chat.completions.create(
        model="chat",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Describe the floor plan."},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PIXEL}"}},
                ],
            }
        ],
    )
    assert completion.choices[0].message.content == "You said: Describe the floor plan."
    sent = fake.received[0].body["messages"][0]["content"]
    image = sent[1]
    if kind == "bedrock":
        assert image["image"]["format"] == "png"
    else:
        assert image["source"] == {"type": "base64", "media_type": "image/png", "data": PIXEL}


def test_tool_calls_come_back(vendor: tuple[str, FakeUpstream, str], client: ClientFactory) -> None:
    kind, fake, _ = vendor
    completion = client().chat.completions.create(
        model="chat",
        messages=[{"role": "user", "content": "When can I visit ward 3?"}],
        tools=TOOLS,
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls is not None
    call = choice.message.tool_calls[0]
    assert call.type == "function"
    assert call.function.name == "get_visiting_hours"
    assert json.loads(call.function.arguments) == {"ward": "Paris"}
    sent = fake.received[0].body
    declared = sent["toolConfig"]["tools"][0] if kind == "bedrock" else sent["tools"][0]["name"]
    assert "get_visiting_hours" in json.dumps(declared)


def test_streaming_ends_with_done_and_usage(
    router: RunningRouter, vendor: tuple[str, FakeUpstream, str]
) -> None:
    with httpx.stream(
        "POST",
        f"{router.base_url}/chat/completions",
        headers={"Authorization": f"Bearer {router.key('general')}"},
        json={
            "model": "chat",
            "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": "Hello there"}],
        },
        timeout=30,
    ) as response:
        assert response.status_code == 200
        events = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    text = "".join(
        choice["delta"].get("content") or "" for chunk in chunks for choice in chunk["choices"]
    )
    assert text == "You said: Hello there"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["prompt_tokens"] == 11
    assert chunks[-1]["usage"]["completion_tokens"] == 4
    finishes = [c["finish_reason"] for chunk in chunks for c in chunk["choices"]]
    assert "stop" in finishes


def test_streamed_tool_calls_through_the_sdk(client: ClientFactory) -> None:
    stream = client().chat.completions.create(
        model="chat",
        messages=[{"role": "user", "content": "When can I visit ward 3?"}],
        tools=TOOLS,
        stream=True,
        stream_options={"include_usage": True},
    )
    arguments, names, finish, usage = "", [], None, None
    for chunk in stream:
        usage = chunk.usage or usage
        for choice in chunk.choices:
            finish = choice.finish_reason or finish
            for call in choice.delta.tool_calls or ():
                if call.function and call.function.name:
                    names.append(call.function.name)
                arguments += (call.function.arguments or "") if call.function else ""
    assert names == ["get_visiting_hours"]
    assert json.loads(arguments) == {"ward": "Paris"}
    assert finish == "tool_calls"
    assert usage is not None
    assert usage.total_tokens > 0


def test_member_services_is_deidentified_before_leaving_and_restored(
    vendor: tuple[str, FakeUpstream, str], client: ClientFactory
) -> None:
    _, fake, _ = vendor
    reply = client("member-services").chat.completions.with_raw_response.create(
        model="chat",
        messages=[
            {"role": "user", "content": "Reschedule the visit for John Smith on March 14, 2026."}
        ],
    )
    assert reply.headers["x-router-route"] == "claude"
    sent = fake.received[0].raw_text
    assert "John Smith" not in sent
    assert "Smith" not in sent
    assert "March 14" not in sent
    assert "[NAME_1]" in sent
    assert "[DATE_1]" in sent
    answer = reply.parse().choices[0].message.content
    assert answer == "You said: Reschedule the visit for John Smith on March 14, 2026."


def test_member_services_stream_is_restored(
    vendor: tuple[str, FakeUpstream, str], client: ClientFactory
) -> None:
    _, fake, _ = vendor
    stream = client("member-services").chat.completions.create(
        model="chat",
        messages=[{"role": "user", "content": "Send a card to Maria Gonzalez, born 04/12/1961."}],
        stream=True,
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text == "You said: Send a card to Maria Gonzalez, born 04/12/1961."
    sent = fake.received[0].raw_text
    assert "Gonzalez" not in sent
    assert "04/12/1961" not in sent


def test_phi_heavy_request_never_reaches_the_vendor(
    vendor: tuple[str, FakeUpstream, str],
    local: tuple[FakeBackend, str],
    client: ClientFactory,
) -> None:
    _, fake, _ = vendor
    reply = client("clinical").chat.completions.with_raw_response.create(
        model="chat",
        messages=[
            {
                "role": "user",
                "content": "Discharge note: John Smith, MRN 4455667, admitted with pneumonia.",
            }
        ],
    )
    assert reply.headers["x-router-route"] == "local"
    assert fake.received == []
    assert len(local[0].received) == 1


def test_credentials_reach_each_vendor_as_it_expects(
    vendor: tuple[str, FakeUpstream, str], client: ClientFactory
) -> None:
    kind, fake, _ = vendor
    client().chat.completions.create(model="chat", messages=[{"role": "user", "content": "Hello"}])
    headers = fake.received[0].headers
    if kind == "anthropic":
        assert headers["x-api-key"] == fake_anthropic.API_KEY
        assert headers["anthropic-version"]
    elif kind == "bedrock":  # the fake also verified the SigV4 signature itself
        assert headers["authorization"].startswith(
            f"AWS4-HMAC-SHA256 Credential={fake_bedrock.ACCESS_KEY_ID}/"
        )
    else:  # a token from the local token endpoint, never from Google
        assert headers["authorization"] == f"Bearer {fake_vertex.ACCESS_TOKEN}"
        assert isinstance(fake, FakeVertex)
        assert fake.token_requests == 1
        assert fake.received[0].path.endswith("/models/claude-sonnet-4-5:rawPredict")
