"""OpenAPI descriptions of the endpoints that read their bodies themselves.

The handlers read raw bytes (to bound the size and decode strictly before any parsing), so
FastAPI cannot infer their request bodies. These helpers describe the real shapes, from the
same pydantic models that validate them, so clients and the schema fuzzer see what is accepted.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from router.limits import RequestLimits

_REF_PREFIX = "#/$defs/"


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorBody(BaseModel):
    """OpenAI's error JSON, the body of every 4xx and 5xx."""

    error: ErrorDetail


_ERROR_STATUSES = {
    400: "Malformed input or a request limit exceeded.",
    401: "Missing or invalid credentials.",
    403: "The caller may not use this workload or model.",
    404: "Unknown model.",
    413: "Request body too large.",
    429: "Rate limited.",
    431: "Request headers too large.",
    502: "The backend answered badly.",
    503: "Refused (fail closed), not ready, or the backend is unavailable.",
    504: "The backend did not answer in time.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the given statuses, all carrying `ErrorBody`."""
    return {
        status: {"model": ErrorBody, "description": _ERROR_STATUSES[status]} for status in statuses
    }


def json_request_body(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra=` declaring a required JSON body of `model`'s shape."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline_schema(model)}},
        }
    }


def streaming_or_json_response(description: str) -> dict[int | str, dict[str, Any]]:
    """A 200 that is JSON, or server-sent events when the request asked to stream."""
    return {
        200: {
            "description": description,
            "content": {
                "application/json": {"schema": {"type": "object"}},
                # Each server-sent event; the last one's data is `[DONE]`.
                "text/event-stream": {
                    "schema": {
                        "type": "object",
                        "properties": {"data": {"type": "string"}},
                        "required": ["data"],
                    }
                },
            },
        }
    }


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its `$defs` inlined, so it is valid anywhere in a document.

    The request models are not recursive, so inlining terminates.
    """
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})
    resolved: dict[str, Any] = _resolve(schema, definitions)
    return resolved


def _resolve(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith(_REF_PREFIX):
            return _resolve(definitions[reference.removeprefix(_REF_PREFIX)], definitions)
        return {key: _resolve(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(item, definitions) for item in node]
    return node


def install_openapi(app: FastAPI, limits: RequestLimits) -> None:
    """Serve the schema with this process's limits in it, so that what it calls valid is."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            apply_limits(build(), limits)  # `build` caches its result in `app.openapi_schema`
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


def apply_limits(document: dict[str, Any], limits: RequestLimits) -> None:
    """Write the configured bounds into every JSON request body of the document."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if isinstance(body, dict):
                _bound_body(body.get("properties", {}), limits)


def _bound_body(properties: dict[str, Any], limits: RequestLimits) -> None:
    for name in ("max_tokens", "max_completion_tokens"):
        _bound(properties.get(name), "integer", maximum=limits.max_output_tokens)
    _bound(properties.get("n"), "integer", maximum=limits.max_n)
    _bound(properties.get("tools"), "array", maxItems=limits.max_tools)
    messages = properties.get("messages")
    _bound(messages, "array", maxItems=limits.max_messages)
    if isinstance(messages, dict):
        message = messages.get("items", {}).get("properties", {})
        _bound(message.get("content"), "string", maxLength=limits.max_message_chars)
    for name in ("prompt", "input"):
        _bound(properties.get(name), "string", maxLength=limits.max_total_chars)


def _bound(node: Any, json_type: str, **bounds: int) -> None:
    """Set `bounds` on `node` if it is of `json_type`, or on its `anyOf` branch that is."""
    if not isinstance(node, dict):
        return
    if node.get("type") == json_type:
        node.update(bounds)
    for branch in node.get("anyOf", ()):
        _bound(branch, json_type, **bounds)
