"""An OpenAI-compatible backend whose model name selects its behaviour, to test failures.

`ok` answers normally; `error-500` answers 500; `unavailable` answers 503; `malformed` sends
invalid JSON; `hang` never answers; `cut-stream` dies mid-stream; `slow-stream` streams slowly;
`very-slow-stream` takes a second a word; `tool-call` answers with a call of the first tool
offered; `firehose` streams without end, as fast as it is read (`firehose_chunks` counts what
it produced); `spaced-stream` sends `SPACED_STREAM`, events as no JSON encoder of the router
would write them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

WORDS = ["Hello", " from", " the", " fake", " backend", "."]


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": 7,
            "completion_tokens": len(WORDS),
            "total_tokens": 7 + len(WORDS),
        },
    }


def _chunk(model: str, content: str | None, finish: str | None = None) -> bytes:
    delta = {"content": content} if content is not None else {}
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + orjson.dumps(payload) + b"\n\n"


SPACED_STREAM = (
    b": a comment\r\n\r\n"
    b'data: {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,\r\n'
    b'data:  "model": "spaced-stream", "choices": [{"index": 0, "delta": {"content": "Hi"}}]}\r\n'
    b"\r\n"
    b'data: {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, '
    b'"model": "spaced-stream", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}'
    b"\r\n\r\n"
)


class FakeBackend:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.cancelled_streams = 0
        self.firehose_chunks = 0
        self.app = Starlette(
            routes=[
                Route("/v1/models", self.models),
                Route("/v1/chat/completions", self.chat, methods=["POST"]),
            ]
        )

    async def models(self, _request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [{"id": "ok", "object": "model"}]})

    async def chat(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        self.received.append(body)
        model = body["model"]
        if model == "error-500":
            return JSONResponse({"error": {"message": "boom", "code": "internal"}}, status_code=500)
        if model == "unavailable":
            return JSONResponse({"error": {"message": "busy"}}, status_code=503)
        if model == "malformed":
            return Response(b"{not json", media_type="application/json")
        if model == "hang":
            await asyncio.sleep(3600)
        if model == "tool-call":
            return _tool_call_answer(body)
        if model == "spaced-stream":
            return Response(SPACED_STREAM + b"data: [DONE]\r\n\r\n", media_type="text/event-stream")
        if model == "firehose":
            return StreamingResponse(self._firehose(), media_type="text/event-stream")
        if body.get("stream"):
            return StreamingResponse(self._stream(model), media_type="text/event-stream")
        return JSONResponse(_completion(model, "".join(WORDS)))

    async def _stream(self, model: str) -> AsyncIterator[bytes]:
        try:
            for index, word in enumerate(WORDS):
                if model == "cut-stream" and index == 3:
                    raise ConnectionAbortedError("stream cut")  # uvicorn drops the connection
                if model == "slow-stream":
                    await asyncio.sleep(0.3)
                if model == "very-slow-stream":
                    await asyncio.sleep(1.0)
                yield _chunk(model, word)
            yield _chunk(model, None, "stop")
            yield b"data: [DONE]\n\n"
        except asyncio.CancelledError:
            self.cancelled_streams += 1
            raise

    async def _firehose(self) -> AsyncIterator[bytes]:
        try:
            while True:
                self.firehose_chunks += 1
                yield _chunk("firehose", "x" * 1024)
                await asyncio.sleep(0)  # a dropped reader must not leave a busy loop
        except asyncio.CancelledError:
            self.cancelled_streams += 1
            raise


TOOL_ARGUMENTS = '{"ward": "cardiology"}'


def _tool_call_answer(body: dict[str, Any]) -> Response:
    """A call of the first offered tool, streamed as OpenAI does: name first, arguments after."""
    name = body["tools"][0]["function"]["name"]
    call = {
        "id": "call_fake_1",
        "type": "function",
        "function": {"name": name, "arguments": TOOL_ARGUMENTS},
    }
    if not body.get("stream"):
        answer = _completion("tool-call", "")
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        answer["choices"] = [{"index": 0, "message": message, "finish_reason": "tool_calls"}]
        return JSONResponse(answer)
    opening = {**call, "index": 0, "function": {"name": name, "arguments": ""}}
    deltas = [
        {"role": "assistant", "content": None, "tool_calls": [opening]},
        {"tool_calls": [{"index": 0, "function": {"arguments": TOOL_ARGUMENTS[:10]}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": TOOL_ARGUMENTS[10:]}}]},
    ]

    async def events() -> AsyncIterator[bytes]:
        for delta in deltas:
            yield _event({"delta": delta, "finish_reason": None})
        yield _event({"delta": {}, "finish_reason": "tool_calls"})
        yield b"data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


def _event(choice: dict[str, Any]) -> bytes:
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "tool-call",
        "choices": [{"index": 0, **choice}],
    }
    return b"data: " + orjson.dumps(payload) + b"\n\n"
