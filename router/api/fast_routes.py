"""The generation endpoints, answered before FastAPI's middleware and dependency injection.

Those layers cost about a quarter of the router's CPU per request (measured with py-spy under
load; `benchmarks/README.md`). `RouterApp` is the FastAPI app, unchanged for every other path;
a POST to a generation endpoint is served here by the same handler code (`openai_routes`),
with the same header limit, authentication, error responses and order of checks. The FastAPI
routes stay declared, so the published OpenAPI schema is the same, and they still serve
whatever does not come through here (a root path set by a proxy, say).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from router.api.error_handlers import error_response, unexpected_error_response
from router.api.header_limit import header_bytes, reject_oversized_headers
from router.api.openai_routes import GENERATION_ENDPOINTS, RequestShape, serve_generation
from router.backends.base import Endpoint
from router.errors import RouterError
from router.services import Services

log = logging.getLogger(__name__)

_Handler = Callable[[Scope, Receive, Send], Awaitable[None]]


class RouterApp(FastAPI):
    """FastAPI, with `fast_routes` (exact path of a POST -> handler) tried first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Empty until `install_fast_routes`: until then every request goes through FastAPI.
        self.fast_routes: dict[str, _Handler] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and not scope.get("root_path"):
            handler = self.fast_routes.get(scope["path"])
            if handler is not None:
                scope["app"] = self
                await handler(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def install_fast_routes(app: RouterApp, services: Services, max_header_bytes: int) -> None:
    app.fast_routes = {
        path: _GenerationRoute(services, endpoint, shape, max_header_bytes)
        for path, (endpoint, shape) in GENERATION_ENDPOINTS.items()
    }


@dataclass(frozen=True, slots=True)
class _GenerationRoute:
    services: Services
    endpoint: Endpoint
    shape: RequestShape
    max_header_bytes: int

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = time.perf_counter()  # before authentication, as in the FastAPI route
        if header_bytes(scope) > self.max_header_bytes:
            await reject_oversized_headers(scope, receive, send, self.max_header_bytes)
            return
        request = Request(scope, receive)
        response: Response
        try:
            who = await self.services.authenticator.authenticate(request)
            response = await serve_generation(
                request, self.services, who, received, self.endpoint, self.shape
            )
        except RouterError as error:
            response = error_response(error)
        except Exception as error:  # noqa: BLE001 - answered as the app's 500 handler does
            response = unexpected_error_response(error)
        await response(scope, receive, send)
