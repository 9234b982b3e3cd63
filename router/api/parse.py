"""Parse: read the body within its size limit, decode strictly, and check its shape.

Validation names the offending field and never echoes its value: request content may be PHI.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError
from pydantic.config import JsonDict
from starlette.requests import Request

from router.errors import InvalidRequest, PayloadTooLarge
from router.limits import RequestLimits, enforce

MAX_JSON_DEPTH = 64


ModelT = TypeVar("ModelT", bound=BaseModel)


class _Open(BaseModel):
    # OpenAI adds parameters often; unknown ones are passed to the backend untouched.
    model_config = ConfigDict(extra="allow")


class StreamOptions(_Open):
    include_usage: StrictBool = False


class ChatMessage(_Open):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None
    name: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None


class _Generation(_Open):
    # Upper bounds are settings (`router.limits`), checked before this shape; that check also
    # refuses strings and booleans, and accepts 2.0, which JSON (and its schema) call integers.
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    n: int | None = Field(default=None, ge=1)


class ChatCompletionRequest(_Generation):
    model: str = Field(min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: StrictBool = False
    stream_options: StreamOptions | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None


# Token ids are part of OpenAI's shape but cannot be scanned for PHI, so the pipeline refuses
# them (`content_not_scannable`); the published schema lists only what is served.
_TEXT_ONLY: JsonDict = {
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
}


class CompletionRequest(_Generation):
    model: str = Field(min_length=1, max_length=200)
    prompt: str | list[str] | list[int] | list[list[int]] = Field(json_schema_extra=_TEXT_ONLY)
    stream: StrictBool = False
    stream_options: StreamOptions | None = None


class EmbeddingRequest(_Open):
    model: str = Field(min_length=1, max_length=200)
    input: str | list[str] | list[int] | list[list[int]] = Field(json_schema_extra=_TEXT_ONLY)


async def read_json_body(request: Request, max_bytes: int) -> dict[str, Any]:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"Request body exceeds the limit of {max_bytes} bytes.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise PayloadTooLarge(f"Request body exceeds the limit of {max_bytes} bytes.")
    return parse_json_object(bytes(body))


def parse_json_object(body: bytes) -> dict[str, Any]:
    if not body:
        raise InvalidRequest("Request body is empty; a JSON object is required.")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest("Request body is not valid UTF-8.", code="invalid_encoding") from None
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidRequest("Request body is not valid JSON.", code="invalid_json") from None
    if not isinstance(parsed, dict):
        raise InvalidRequest("Request body must be a JSON object.", code="invalid_json")
    if _depth_exceeds(parsed, MAX_JSON_DEPTH):
        raise InvalidRequest(
            f"Request body is nested more than {MAX_JSON_DEPTH} levels deep.", code="too_deep"
        )
    return parsed


def validate(
    model: type[ModelT], body: dict[str, Any], limits: RequestLimits | None = None
) -> ModelT:
    """Check the body against the configured limits first (cheap, bounded), then its shape."""
    if limits is not None:
        enforce(limits, body, generates=issubclass(model, _Generation))
    try:
        return model.model_validate(body)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False, include_context=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise InvalidRequest(
            f"Invalid value for '{field}': {first['msg']}." if field else f"{first['msg']}.",
            param=field,
        ) from None


def _depth_exceeds(value: object, limit: int) -> bool:
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False
