"""A local server that speaks Anthropic's Messages API (`POST /v1/messages`), for tests.

It answers as the public documentation specifies: a `message` object, or server-sent events
(`message_start`, `content_block_start`, `ping`, `content_block_delta`, `content_block_stop`,
`message_delta`, `message_stop`), `tool_use` blocks when the request offers tools, usage in
tokens, and errors as `{"type": "error", "error": {...}}`. The reply echoes the last user text
("You said: ..."), so a test can see what arrived and what the client got back.

Behaviour is chosen by the model name: `claude-cut-stream` dies mid-stream, `claude-hang`
answers only after `HANG_SECONDS` (longer than any test's read timeout, short enough for the
server to shut down). `FakeUpstream.fail_next` queues error statuses to answer first.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

API_KEY = "sk-ant-fake-test-key"
INPUT_TOKENS = 11
HANG_SECONDS = 4.0

_ANTHROPIC_ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    429: "rate_limit_error",
    500: "api_error",
    503: "api_error",
    529: "overloaded_error",
}


@dataclass(frozen=True)
class Received:
    """One request as the fake saw it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def raw_text(self) -> str:
        """Everything that crossed the wire, as text, for scanning."""
        return json.dumps(self.body, ensure_ascii=False)


@dataclass
class FakeUpstream:
    """What every fake shares: a record of requests and a queue of scripted failures."""

    received: list[Received] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    retry_after: str | None = "0"

    def record(self, request: Request, body: dict[str, Any]) -> None:
        self.received.append(Received(request.url.path, dict(request.headers), body))

    def scripted_failure(self) -> int | None:
        return self.fail_next.pop(0) if self.fail_next else None


def last_user_text(messages: list[dict[str, Any]]) -> str:
    """The text of the last user turn (plain string or text blocks), which the fakes echo."""
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        texts = [
            block.get("text", "")
            for block in content or ()
            if isinstance(block, dict) and isinstance(block.get("text"), str)
        ]
        if texts:
            return " ".join(texts)
    return ""


def tool_input(schema: dict[str, Any]) -> dict[str, Any]:
    """Arguments that satisfy a simple JSON schema: every property set to an example string."""
    return {name: "Paris" for name in (schema.get("properties") or {})}


def reply_words(text: str) -> list[str]:
    words = f"You said: {text}".split(" ")
    return [word if index == 0 else f" {word}" for index, word in enumerate(words)]


class FakeAnthropic(FakeUpstream):
    def __init__(self) -> None:
        super().__init__()
        self.app = Starlette(routes=[Route("/v1/messages", self.messages, methods=["POST"])])

    async def messages(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        self.record(request, body)
        if request.headers.get("x-api-key") != API_KEY:
            return anthropic_error(401, "invalid x-api-key")
        if "anthropic-version" not in request.headers:
            return anthropic_error(400, "anthropic-version header is required")
        status = self.scripted_failure()
        if status is not None:
            return anthropic_error(status, "scripted failure", self.retry_after)
        return await respond(body, body.get("model", ""))


async def respond(body: dict[str, Any], model: str) -> Response:
    """A Messages API answer to `body`; shared with the Vertex fake, which speaks the same."""
    if model.endswith("hang"):
        await asyncio.sleep(HANG_SECONDS)
    text = last_user_text(body.get("messages") or [])
    tools = body.get("tools") or []
    if body.get("stream"):
        events = stream_events(model, text, tools)
        return StreamingResponse(events, media_type="text/event-stream")
    return JSONResponse(message(model, text, tools))


def message(model: str, text: str, tools: list[dict[str, Any]]) -> dict[str, Any]:
    words = reply_words(text)
    content: list[dict[str, Any]] = [{"type": "text", "text": "".join(words)}]
    if tools:
        content.append(
            {
                "type": "tool_use",
                "id": "toolu_fake01",
                "name": tools[0]["name"],
                "input": tool_input(tools[0].get("input_schema") or {}),
            }
        )
    return {
        "id": "msg_fake01",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": "tool_use" if tools else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": len(words)},
    }


async def stream_events(model: str, text: str, tools: list[dict[str, Any]]) -> AsyncIterator[bytes]:
    words = reply_words(text)
    start = message(model, "", [])
    start.update(
        content=[], stop_reason=None, usage={"input_tokens": INPUT_TOKENS, "output_tokens": 1}
    )
    yield sse("message_start", {"type": "message_start", "message": start})
    yield sse("content_block_start", _block_start(0, {"type": "text", "text": ""}))
    yield sse("ping", {"type": "ping"})
    for index, word in enumerate(words):
        if model.endswith("cut-stream") and index == 2:
            raise ConnectionAbortedError("stream cut")  # uvicorn drops the connection
        delta = {"type": "text_delta", "text": word}
        yield sse(
            "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
        )
    yield sse("content_block_stop", {"type": "content_block_stop", "index": 0})
    if tools:
        async for event in _tool_use_events(tools[0]):
            yield event
    stop = {"stop_reason": "tool_use" if tools else "end_turn", "stop_sequence": None}
    usage = {"output_tokens": len(words)}
    yield sse("message_delta", {"type": "message_delta", "delta": stop, "usage": usage})
    yield sse("message_stop", {"type": "message_stop"})


async def _tool_use_events(tool: dict[str, Any]) -> AsyncIterator[bytes]:
    block = {"type": "tool_use", "id": "toolu_fake01", "name": tool["name"], "input": {}}
    yield sse("content_block_start", _block_start(1, block))
    arguments = json.dumps(tool_input(tool.get("input_schema") or {}))
    middle = len(arguments) // 2
    for part in (arguments[:middle], arguments[middle:]):
        delta = {"type": "input_json_delta", "partial_json": part}
        yield sse(
            "content_block_delta", {"type": "content_block_delta", "index": 1, "delta": delta}
        )
    yield sse("content_block_stop", {"type": "content_block_stop", "index": 1})


def _block_start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def sse(event: str, data: dict[str, Any]) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


def anthropic_error(status: int, text: str, retry_after: str | None = None) -> Response:
    body = {
        "type": "error",
        "error": {"type": _ANTHROPIC_ERRORS.get(status, "api_error"), "message": text},
    }
    headers = {"retry-after": retry_after} if retry_after is not None and status == 429 else {}
    return JSONResponse(body, status_code=status, headers=headers)
