"""What a streamed answer's relay keeps count of, and relaying an upstream's events as sent.

When nothing in the answer is to be re-identified (no surrogates were made for the request),
the events of an OpenAI-compatible upstream go to the client as the bytes it sent: whatever one
read from the upstream completes is one write to the client, with no event re-serialised. Each
event is still parsed, so that a malformed one ends the stream with an error as before and the
audit record still gets the usage and the number of chunks with content.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from router.backends.base import Backend
from router.backends.openai_compatible import parse_object
from router.backends.sse import DONE, DONE_EVENT, complete_events, split_data

_EVENT_END = re.compile(rb"\r\n\r\n|\n\n")


@dataclass(slots=True)
class Progress:
    """What the relay has seen so far, for the audit record and the usage chunk."""

    route: str
    forwarded: float = 0.0
    first_token: float | None = None
    usage: dict[str, int] | None = None
    completion_chunks: int = 0
    raw: list[bytes] = field(default_factory=list)

    def count(self, chunk: dict[str, Any]) -> None:
        if chunk.get("usage"):
            self.usage = usage_of(chunk)
        if any(
            choice.get("delta", {}).get("content") or choice.get("text")
            for choice in chunk.get("choices") or ()
        ):
            self.completion_chunks += 1

    def sent(self, data: bytes) -> bytes:
        """`data` (upstream answer) is going out now."""
        if self.first_token is None:
            self.first_token = time.perf_counter()
        self.raw.append(data)
        return data


class EventRelay:
    """Whole events of an upstream's event stream, checked and counted, in the bytes it sent."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._pending = b""
        self.first: dict[str, Any] | None = None  # the first chunk: the usage chunk copies it
        self.done = False  # the upstream sent `[DONE]`: nothing after it is relayed

    def feed(self, block: bytes) -> bytes:
        """The bytes of the events `block` completes, up to `[DONE]` (b"" when none is whole).

        Raises `UpstreamError` for an event that is not a JSON object: nothing of the block is
        relayed then, as a parsed relay would stop at that event.
        """
        buffer = self._pending + block if self._pending else block
        end = complete_events(buffer)
        if end == 0:
            self._pending = buffer
            return b""
        ready, self._pending = (buffer, b"") if end == len(buffer) else (buffer[:end], buffer[end:])
        return self._checked(ready)

    def finish(self) -> bytes:
        """What is left once the upstream closed the stream: a last event without its blank
        line, completed."""
        rest, self._pending = self._pending, b""
        if self.done or not rest.strip():
            return b""
        return self._checked(rest.rstrip(b"\r\n") + b"\n\n")

    def _checked(self, events: bytes) -> bytes:
        payloads = split_data(events)
        for index, data in enumerate(payloads):
            if data is None:
                continue
            if data == DONE:
                self.done = True
                self._pending = b""
                if index == len(payloads) - 1 and events.endswith(DONE_EVENT):  # the usual end
                    return events[: -len(DONE_EVENT)]
                return _events_before(events, index)
            chunk = parse_object(data, self._progress.route)
            if self.first is None:
                self.first = chunk
            self._progress.count(chunk)
        return events


def usage_of(body: dict[str, Any]) -> dict[str, int] | None:
    usage = body.get("usage")
    if not isinstance(usage, dict):
        return None
    return {k: v for k, v in usage.items() if isinstance(v, int)}


def wants_usage(body: dict[str, Any]) -> bool:
    options = body.get("stream_options")
    return isinstance(options, dict) and options.get("include_usage") is True


async def usage_chunk(
    body: dict[str, Any],
    request_id: str,
    backend: Backend,
    progress: Progress,
    first: dict[str, Any] | None,
) -> dict[str, Any]:
    """OpenAI's final usage chunk, for backends that ignore `stream_options.include_usage`.

    llama.cpp sends one chunk per generated token, so counting chunks is exact there.
    """
    prompt_text = "\n".join(_message_texts(body))
    prompt_tokens = await backend.count_tokens(prompt_text) or 0
    completion = progress.completion_chunks
    progress.usage = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
    }
    base = first or {}
    return {
        "id": base.get("id", request_id),
        "object": base.get("object", "chat.completion.chunk"),
        "created": base.get("created", int(time.time())),
        "model": base.get("model", body.get("model", "")),
        "choices": [],
        "usage": progress.usage,
    }


def _message_texts(body: dict[str, Any]) -> list[str]:
    texts: list[str] = []
    for message in body.get("messages") or ():
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts += [p.get("text", "") for p in content if isinstance(p, dict)]
    if isinstance(body.get("prompt"), str):
        texts.append(body["prompt"])
    return texts


def _events_before(events: bytes, count: int) -> bytes:
    """The bytes of the first `count` events (as `split_data` counts them), as sent."""
    start = seen = 0
    for end in _EVENT_END.finditer(events):
        if events[start : end.start()].strip(b"\r\n"):
            if seen == count:
                break
            seen += 1
        start = end.end()
    return events[:start]
