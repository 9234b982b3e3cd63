"""Re-identify: put the originals back in place of the surrogates, in OpenAI response shapes.

Streamed text can split a surrogate across chunks ("[NA" + "ME_1]"), so each streamed field
has its own restorer that holds back a possible partial surrogate until it is complete.
"""

from __future__ import annotations

from typing import Any, Protocol

from router.phi import SurrogateMap


class _StreamRestorer(Protocol):
    def feed(self, text: str) -> str: ...

    def flush(self) -> str: ...


class ResponseRestorer:
    def __init__(self, surrogates: SurrogateMap) -> None:
        self._surrogates = surrogates
        self._streams: dict[tuple[int, str], _StreamRestorer] = {}

    def restore_completion(self, body: dict[str, Any]) -> None:
        """Re-identify a whole (non-streaming) response in place."""
        for choice in body.get("choices") or ():
            message = choice.get("message")
            if isinstance(message, dict):
                if isinstance(message.get("content"), str):
                    message["content"] = self._surrogates.restore(message["content"])
                for call in message.get("tool_calls") or ():
                    function = call.get("function") or {}
                    if isinstance(function.get("arguments"), str):
                        function["arguments"] = self._surrogates.restore(function["arguments"])
            if isinstance(choice.get("text"), str):
                choice["text"] = self._surrogates.restore(choice["text"])

    def restore_chunk(self, chunk: dict[str, Any]) -> None:
        """Re-identify one streamed chunk in place, holding back partial surrogates."""
        for choice in chunk.get("choices") or ():
            index = int(choice.get("index", 0))
            delta = choice.get("delta")
            if isinstance(delta, dict):
                if isinstance(delta.get("content"), str):
                    delta["content"] = self._feed(index, "content", delta["content"])
                for call in delta.get("tool_calls") or ():
                    function = call.get("function") or {}
                    if isinstance(function.get("arguments"), str):
                        key = f"tool_call_{call.get('index', 0)}"
                        function["arguments"] = self._feed(index, key, function["arguments"])
            if isinstance(choice.get("text"), str):
                choice["text"] = self._feed(index, "text", choice["text"])

    def flush_chunk(self, template: dict[str, Any] | None) -> dict[str, Any] | None:
        """A final chunk carrying text still held back, or None when nothing is."""
        choices = []
        for (index, field), restorer in self._streams.items():
            rest = restorer.flush()
            if not rest:
                continue
            if field == "text":
                choices.append({"index": index, "text": rest, "finish_reason": None})
            elif field == "content":
                choices.append({"index": index, "delta": {"content": rest}, "finish_reason": None})
        if not choices:
            return None
        base = template or {}
        return {
            "id": base.get("id", ""),
            "object": base.get("object", "chat.completion.chunk"),
            "created": base.get("created", 0),
            "model": base.get("model", ""),
            "choices": choices,
        }

    def _feed(self, index: int, field: str, text: str) -> str:
        restorer = self._streams.get((index, field))
        if restorer is None:
            restorer = self._streams[(index, field)] = self._surrogates.stream_restorer()
        return restorer.feed(text)
