"""An OpenAI-compatible upstream that answers at once, so that only gateway cost is measured.

A bare ASGI app (no framework) on uvicorn with uvloop and httptools; every answer is built once
at start. Streaming sends `--chunks` chunks `--delay-ms` apart, then a usage chunk and `[DONE]`.

    python -m benchmarks.instant_upstream --port 9000 [--chunks 20] [--delay-ms 0]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_JSON = [(b"content-type", b"application/json")]
_SSE = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
USAGE = {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}


def completion_body() -> bytes:
    return orjson.dumps(
        {
            "id": "chatcmpl-instant",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "instant",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "Noted, thank you."},
                    "finish_reason": "stop",
                }
            ],
            "usage": USAGE,
        }
    )


def stream_events(chunks: int) -> list[bytes]:
    def event(delta: dict[str, str], finish: str | None, usage: object = None) -> bytes:
        choices = [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]
        payload: dict[str, object] = {
            "id": "chatcmpl-instant",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "instant",
            "choices": choices,
        }
        if usage:
            payload["usage"] = usage
        return b"data: " + orjson.dumps(payload) + b"\n\n"

    events = [event({"role": "assistant", "content": ""}, None)]
    events += [event({"content": f" word{i}"}, None) for i in range(chunks)]
    events += [event({}, "stop"), event({}, None, USAGE), b"data: [DONE]\n\n"]
    return events


def models_body() -> bytes:
    return orjson.dumps({"object": "list", "data": [{"id": "instant", "object": "model"}]})


class InstantUpstream:
    def __init__(self, chunks: int, delay_seconds: float) -> None:
        self._completion = completion_body()
        self._events = stream_events(chunks)
        self._models = models_body()
        self._delay = delay_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        if scope["path"].endswith("/models"):
            await _respond(send, 200, _JSON, self._models)
        elif scope["path"].endswith("/chat/completions"):
            if b'"stream":true' in body.replace(b" ", b""):
                await self._stream(send)
            else:
                await _respond(send, 200, _JSON, self._completion)
        else:
            await _respond(send, 404, _JSON, b'{"error":{"message":"not found"}}')

    async def _stream(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": _SSE})
        for event in self._events:
            if self._delay:
                await asyncio.sleep(self._delay)
            await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    parser = argparse.ArgumentParser(description="An instant OpenAI-compatible upstream.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    args = parser.parse_args()
    app = InstantUpstream(args.chunks, args.delay_ms / 1000)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
