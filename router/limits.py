"""Request limits beyond the body size: how many messages and tools, how much text, and the
bounds of `n` and `max_tokens`.

Each limit is a setting (`SOVEREIGN_ROUTER_LIMITS__<FIELD>`) and each breach is a 400 with its
own error code, so a client can tell which one it hit. Messages name the field and the limit,
never the content: it may be PHI.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from router.errors import InvalidRequest

# Fields that carry a token budget for the answer; OpenAI renamed one into the other.
_TOKEN_BUDGET_FIELDS = ("max_tokens", "max_completion_tokens")


class RequestLimits(BaseModel):
    """Upper bounds on one request; the body size itself is `max_body_bytes`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_messages: int = Field(default=1000, ge=1, description="Messages in one chat request.")
    max_message_chars: int = Field(
        default=1_000_000, ge=1, description="Characters of text in one message (all its parts)."
    )
    max_total_chars: int = Field(
        default=2_000_000,
        ge=1,
        description="Characters of text in a whole request (messages, prompt or input).",
    )
    max_tools: int = Field(default=128, ge=0, description="Tool definitions in one request.")
    max_n: int = Field(default=16, ge=1, description="Largest `n` (choices) a client may ask.")
    max_output_tokens: int = Field(
        default=131_072, ge=1, description="Largest `max_tokens` / `max_completion_tokens`."
    )
    max_header_bytes: int = Field(
        default=16_384,
        ge=1024,
        description="Total size of the request line's headers; larger requests get 431.",
    )


def enforce(limits: RequestLimits, body: Mapping[str, Any], *, generates: bool = True) -> None:
    """Raise `InvalidRequest` for the first limit the body exceeds.

    `n` and the token budgets are checked only where the endpoint generates text; elsewhere
    (embeddings) they mean nothing and are passed on like any unknown field.
    """
    _check_messages(limits, body.get("messages"))
    _check_total_text(limits, body)
    _check_tools(limits, body.get("tools"))
    if generates:
        _check_n(limits, body.get("n"))
        for field in _TOKEN_BUDGET_FIELDS:
            _check_token_budget(limits, field, body.get(field))


def _check_messages(limits: RequestLimits, messages: object) -> None:
    if not isinstance(messages, list):
        return
    if len(messages) > limits.max_messages:
        raise InvalidRequest(
            f"Too many messages: at most {limits.max_messages} are accepted.",
            code="too_many_messages",
            param="messages",
        )
    for index, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        if sum(len(text) for text in _texts(content)) > limits.max_message_chars:
            raise InvalidRequest(
                f"Message {index} is longer than {limits.max_message_chars} characters.",
                code="message_too_long",
                param=f"messages.{index}.content",
            )


def _check_total_text(limits: RequestLimits, body: Mapping[str, Any]) -> None:
    total = sum(len(text) for text in _request_texts(body))
    if total > limits.max_total_chars:
        raise InvalidRequest(
            f"The request holds more than {limits.max_total_chars} characters of text.",
            code="content_too_long",
        )


def _check_tools(limits: RequestLimits, tools: object) -> None:
    if isinstance(tools, list) and len(tools) > limits.max_tools:
        raise InvalidRequest(
            f"Too many tools: at most {limits.max_tools} are accepted.",
            code="too_many_tools",
            param="tools",
        )


def _check_n(limits: RequestLimits, n: object) -> None:
    if n is None:
        return
    count = _integer(n)
    if count is None or not 1 <= count <= limits.max_n:
        raise InvalidRequest(
            f"'n' must be an integer from 1 to {limits.max_n}.", code="invalid_n", param="n"
        )


def _check_token_budget(limits: RequestLimits, field: str, value: object) -> None:
    if value is None:
        return
    budget = _integer(value)
    if budget is None or not 1 <= budget <= limits.max_output_tokens:
        raise InvalidRequest(
            f"'{field}' must be an integer from 1 to {limits.max_output_tokens}.",
            code="invalid_max_tokens",
            param=field,
        )


def _integer(value: object) -> int | None:
    """The integer a JSON number denotes (2 or 2.0), or None for anything else.

    JSON booleans decode to bool, a subclass of int; they are not counts.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _request_texts(body: Mapping[str, Any]) -> Iterator[str]:
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in messages:
            if isinstance(message, dict):
                yield from _texts(message.get("content"))
    for field in ("prompt", "input"):
        yield from _texts(body.get(field))


def _texts(content: object) -> Iterator[str]:
    """Strings in a content value: plain text, a list of strings, or typed parts."""
    if isinstance(content, str):
        yield content
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, str):
                yield part
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                yield part["text"]
