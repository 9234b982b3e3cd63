"""An OpenAI-compatible backend whose model name selects its behaviour, to test failures.

`ok` answers normally; `error-500` answers 500; `unavailable` answers 503; `malformed` sends
invalid JSON; `hang` never answers; `cut-stream` dies mid-stream; `slow-stream` streams slowly.
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


class FakeBackend:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.cancelled_streams = 0
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
                yield _chunk(model, word)
            yield _chunk(model, None, "stop")
            yield b"data: [DONE]\n\n"
        except asyncio.CancelledError:
            self.cancelled_streams += 1
            raise
