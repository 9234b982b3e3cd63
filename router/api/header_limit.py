"""Refuse requests whose request line and headers exceed `limits.max_header_bytes` with 431.

uvicorn's httptools parser has no header size limit of its own (h11's
`h11_max_incomplete_event_size` is set by `serve` as well), so the bound is enforced here,
before any route, authentication or body read, with OpenAI-style JSON instead of a bare 400.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from router.api.error_handlers import error_response
from router.errors import HeadersTooLarge


class HeaderSizeLimit:
    """Pure ASGI middleware, so that nothing of the request is read before the check."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and header_bytes(scope) > self.max_bytes:
            await reject_oversized_headers(scope, receive, send, self.max_bytes)
            return
        await self.app(scope, receive, send)


def header_bytes(scope: Scope) -> int:
    """Bytes of the target and headers as they came on the wire (": " and CRLF included)."""
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    return target + sum(len(name) + len(value) + 4 for name, value in scope["headers"])


async def reject_oversized_headers(
    scope: Scope, receive: Receive, send: Send, max_bytes: int
) -> None:
    error = HeadersTooLarge(
        f"Request headers exceed the limit of {max_bytes} bytes.",
        headers={"Connection": "close"},
    )
    await error_response(error)(scope, receive, send)
