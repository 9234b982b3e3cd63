"""The one place errors become responses: OpenAI-style JSON, no stack traces, no content."""

from __future__ import annotations

import logging

import orjson
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from router.errors import InvalidRequest, RouterError

log = logging.getLogger(__name__)

_HTTP_TYPES = {
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}


def error_response(error: RouterError) -> Response:
    return Response(
        orjson.dumps(error.to_openai()),
        status_code=error.status_code,
        media_type="application/json",
        headers=error.headers,
    )


async def _router_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, RouterError)
    return error_response(error)


async def _http_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    body = {
        "error": {
            "message": str(error.detail),
            "type": _HTTP_TYPES.get(error.status_code, "invalid_request_error"),
            "param": None,
            "code": None,
        }
    }
    return Response(
        orjson.dumps(body), status_code=error.status_code, media_type="application/json"
    )


async def _validation_error(_request: Request, error: Exception) -> Response:
    return error_response(InvalidRequest("The request parameters are invalid."))


def unexpected_error_response(error: Exception) -> Response:
    # The exception's text may quote request content: log its type only.
    log.error("unhandled %s while serving a request", type(error).__name__)
    return error_response(RouterError("The router failed to handle the request."))


class ContainUnexpectedErrors:
    """Answers an unexpected exception with a 500 and ends it here.

    Starlette's own handler for `Exception` re-raises after answering, and the server then
    logs the traceback with the exception's message, which may quote request content.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracking_start)
        except Exception as error:  # noqa: BLE001 - every error ends here, answered and logged
            response = unexpected_error_response(error)
            if not started:  # once a response has started, closing it is all that is left
                await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RouterError, _router_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
