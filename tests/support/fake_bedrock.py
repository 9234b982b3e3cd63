"""A local server that speaks the Bedrock runtime Converse API, for tests.

`POST /model/{modelId}/converse` answers a Converse response (`output.message.content` with
`text` and `toolUse` blocks, `stopReason`, `usage`); `POST /model/{modelId}/converse-stream`
answers `application/vnd.amazon.eventstream` frames (`messageStart`, `contentBlockStart`,
`contentBlockDelta`, `contentBlockStop`, `messageStop`, `metadata`). Every request must carry a
SigV4 signature by the fake static credentials below, which the fake verifies as AWS would;
errors are AWS JSON errors named by `x-amzn-ErrorType`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.support.eventstream import encode_event
from tests.support.fake_anthropic import (
    HANG_SECONDS,
    INPUT_TOKENS,
    FakeUpstream,
    reply_words,
    tool_input,
)

ACCESS_KEY_ID = "AKIAFAKETESTKEY00001"
SECRET_ACCESS_KEY = "fake/secret/test/key/0000000000000000000"
REGION = "us-east-1"

_AWS_ERRORS = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
}


class FakeBedrock(FakeUpstream):
    def __init__(self) -> None:
        super().__init__()
        self.app = Starlette(
            routes=[
                Route("/model/{model_id:str}/converse", self.converse, methods=["POST"]),
                Route("/model/{model_id:str}/converse-stream", self.stream, methods=["POST"]),
            ]
        )

    async def converse(self, request: Request) -> Response:
        body, refusal = await self._admit(request)
        if refusal is not None:
            return refusal
        model_id = request.path_params["model_id"]
        if model_id.endswith("hang"):
            await asyncio.sleep(HANG_SECONDS)
        text, tools = _last_user_text(body), _tool_specs(body)
        return JSONResponse(converse_response(text, tools))

    async def stream(self, request: Request) -> Response:
        body, refusal = await self._admit(request)
        if refusal is not None:
            return refusal
        events = stream_events(_last_user_text(body), _tool_specs(body))
        return StreamingResponse(events, media_type="application/vnd.amazon.eventstream")

    async def _admit(self, request: Request) -> tuple[dict[str, Any], Response | None]:
        raw = await request.body()
        body = orjson.loads(raw)
        self.record(request, body)
        if not signature_valid(request, raw):
            return body, aws_error(403, "The request signature we calculated does not match.")
        status = self.scripted_failure()
        if status is not None:
            return body, aws_error(status, "scripted failure", self.retry_after)
        return body, None


def converse_response(text: str, tools: list[dict[str, Any]]) -> dict[str, Any]:
    words = reply_words(text)
    content: list[dict[str, Any]] = [{"text": "".join(words)}]
    if tools:
        tool_use = {
            "toolUseId": "tooluse_fake01",
            "name": tools[0]["name"],
            "input": tool_input(tools[0]["inputSchema"]["json"]),
        }
        content.append({"toolUse": tool_use})
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use" if tools else "end_turn",
        "usage": _usage(len(words)),
        "metrics": {"latencyMs": 12},
    }


async def stream_events(text: str, tools: list[dict[str, Any]]) -> AsyncIterator[bytes]:
    words = reply_words(text)
    yield encode_event("messageStart", {"role": "assistant"})
    for word in words:
        yield encode_event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": word}})
    yield encode_event("contentBlockStop", {"contentBlockIndex": 0})
    if tools:
        start = {"toolUse": {"toolUseId": "tooluse_fake01", "name": tools[0]["name"]}}
        yield encode_event("contentBlockStart", {"contentBlockIndex": 1, "start": start})
        arguments = json.dumps(tool_input(tools[0]["inputSchema"]["json"]))
        delta = {"toolUse": {"input": arguments}}
        yield encode_event("contentBlockDelta", {"contentBlockIndex": 1, "delta": delta})
        yield encode_event("contentBlockStop", {"contentBlockIndex": 1})
    yield encode_event("messageStop", {"stopReason": "tool_use" if tools else "end_turn"})
    yield encode_event("metadata", {"usage": _usage(len(words)), "metrics": {"latencyMs": 12}})


def _usage(output_tokens: int) -> dict[str, int]:
    return {
        "inputTokens": INPUT_TOKENS,
        "outputTokens": output_tokens,
        "totalTokens": INPUT_TOKENS + output_tokens,
    }


def _last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            texts = [block["text"] for block in message.get("content") or () if "text" in block]
            if texts:
                return " ".join(texts)
    return ""


def _tool_specs(body: dict[str, Any]) -> list[dict[str, Any]]:
    tools = (body.get("toolConfig") or {}).get("tools") or []
    return [tool["toolSpec"] for tool in tools if "toolSpec" in tool]


def aws_error(status: int, text: str, retry_after: str | None = None) -> Response:
    error_type = _AWS_ERRORS.get(status, "InternalServerException")
    headers = {
        "x-amzn-ErrorType": f"{error_type}:http://internal.amazon.com/coral/com.amazon.bedrock/"
    }
    if retry_after is not None and status in (429, 503):
        headers["retry-after"] = retry_after
    return JSONResponse({"message": text}, status_code=status, headers=headers)


def signature_valid(request: Request, body: bytes) -> bool:
    """Recompute the AWS Signature Version 4 the client sent, with the fake secret key."""
    authorization = request.headers.get("authorization", "")
    fields = _authorization_fields(authorization)
    if fields is None:
        return False
    credential, signed_headers, signature = fields
    access_key, day, region, service, _ = credential.split("/")
    if access_key != ACCESS_KEY_ID:
        return False
    amz_date = request.headers.get("x-amz-date", "")
    names = signed_headers.split(";")
    canonical_headers = "".join(
        f"{name}:{request.headers.get(name, '').strip()}\n" for name in names
    )
    payload_hash = request.headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    raw_path = request.scope.get("raw_path", b"").decode()
    canonical = "\n".join(
        [
            request.method,
            quote(raw_path, safe="/~"),
            request.url.query,
            canonical_headers,
            signed_headers,
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{SECRET_ACCESS_KEY}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _authorization_fields(header: str) -> tuple[str, str, str] | None:
    if not header.startswith("AWS4-HMAC-SHA256 "):
        return None
    parts = dict(
        part.strip().split("=", 1) for part in header.removeprefix("AWS4-HMAC-SHA256 ").split(",")
    )
    try:
        return parts["Credential"], parts["SignedHeaders"], parts["Signature"]
    except KeyError:
        return None
