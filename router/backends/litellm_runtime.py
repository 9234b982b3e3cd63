"""litellm as a quiet library: loaded on first use, offline, silent, and its errors translated.

litellm is built as a proxy with many side effects; a hospital router wants none of them:
- at import it fetches a model cost map (and later Anthropic beta headers) from the internet
  unless `LITELLM_LOCAL_*` says to use the copies it ships, and in its default `DEV` mode it
  loads a `.env` file from the working directory; both are switched off before the import;
- it prints hints to stdout and logs request and response bodies at debug level: its loggers
  are disabled (our backend logs the route, status and error class, never content);
- callbacks (Langfuse, Datadog, ...) stay empty, message logging is off and messages are
  redacted from its exception texts, which the router never shows anyway.
Version 1.105.3 has no telemetry switch left (it sends none), so there is nothing to turn off.
"""

from __future__ import annotations

import importlib
import logging
import os
from types import ModuleType
from typing import Any

import httpx

from router.backends.retry import Failure, parse_retry_after
from router.errors import (
    InvalidRequest,
    RateLimited,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)

log = logging.getLogger(__name__)

_OFFLINE_ENVIRONMENT = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS": "True",
    "LITELLM_LOCAL_BLOG_POSTS": "True",
    "LITELLM_LOCAL_AUTOROUTER_PRESETS": "True",
    "LITELLM_LOCAL_POLICY_TEMPLATES": "True",
    "LITELLM_MODE": "PRODUCTION",  # not DEV: no .env file is read
}
_QUIET_SETTINGS = {
    "suppress_debug_info": True,
    "set_verbose": False,
    "turn_off_message_logging": True,
    "redact_messages_in_exceptions": True,
    "log_raw_request_response": False,
    "drop_params": False,  # an unsupported parameter is an error, not silently dropped
    "num_retries": 0,  # retries are ours (router.backends.retry)
}
_LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm")
_CALLBACK_LISTS = (
    "callbacks",
    "input_callback",
    "success_callback",
    "failure_callback",
    "service_callback",
    "audit_log_callbacks",
    "_async_input_callback",
    "_async_success_callback",
    "_async_failure_callback",
)


def load_litellm() -> ModuleType:
    """The litellm module, configured as above. Idempotent; the first call takes seconds."""
    os.environ.update(_OFFLINE_ENVIRONMENT)
    litellm = importlib.import_module("litellm")
    for name, value in _QUIET_SETTINGS.items():
        setattr(litellm, name, value)
    for name in _CALLBACK_LISTS:
        if isinstance(getattr(litellm, name, None), list):
            setattr(litellm, name, [])
    for name in _LITELLM_LOGGERS:
        logging.getLogger(name).disabled = True
    return litellm


def translate_failure(error: Exception, route_name: str) -> Failure:
    """The client-facing error for a litellm exception, and whether it may be retried.

    Messages name the route, never the vendor's text (it can quote the request) nor a key.
    """
    exceptions = importlib.import_module("litellm.exceptions")
    status = _vendor_status(error)
    route = f"route '{route_name}'"
    if isinstance(error, exceptions.RateLimitError):
        retry_after = parse_retry_after(_header(error, "retry-after"))
        return Failure(
            RateLimited(
                f"The vendor behind {route} is rate limiting; retry later.",
                retry_after_seconds=round(retry_after or 1),
                code="upstream_rate_limited",
            ),
            retryable=True,
            retry_after_seconds=retry_after,
        )
    if _never_connected(error):
        # Nothing reached the vendor, so a retry cannot duplicate anything.
        return Failure(
            UpstreamUnavailable(f"The vendor behind {route} could not be reached."),
            retryable=True,
        )
    if isinstance(error, exceptions.Timeout):
        return Failure(UpstreamTimeout(f"The vendor behind {route} did not answer in time."))
    if isinstance(error, exceptions.APIConnectionError):
        return Failure(
            UpstreamError(
                f"The connection to the vendor behind {route} broke.",
                code="upstream_connection_lost",
            )
        )
    if isinstance(error, exceptions.AuthenticationError | exceptions.PermissionDeniedError):
        return Failure(
            UpstreamError(
                f"The vendor refused the credentials of {route}; check its configuration.",
                code="upstream_auth_failed",
            )
        )
    if isinstance(error, exceptions.NotFoundError):
        return Failure(
            UpstreamError(
                f"The vendor does not know the model configured for {route} (retired?).",
                code="upstream_model_not_found",
            )
        )
    if isinstance(error, exceptions.ContextWindowExceededError):
        return _rejected(route, "context_length_exceeded")
    if isinstance(error, exceptions.ContentPolicyViolationError):
        return _rejected(route, "content_policy_violation")
    if status in (503, 529):
        return Failure(
            UpstreamUnavailable(
                f"The vendor behind {route} is overloaded or unavailable.",
                code="upstream_unavailable",
            ),
            retryable=True,
            retry_after_seconds=parse_retry_after(_header(error, "retry-after")),
        )
    if isinstance(error, exceptions.UnsupportedParamsError):
        return _rejected(route, "unsupported_parameter")
    if status is not None and 400 <= status < 500:
        return _rejected(route, "upstream_rejected")
    return Failure(UpstreamError(f"The vendor behind {route} failed.", code="upstream_error"))


def _rejected(route: str, code: str) -> Failure:
    return Failure(
        InvalidRequest(f"The vendor behind {route} rejected the request ({code}).", code=code),
        route_fault=False,
    )


def _never_connected(error: BaseException) -> bool:
    connect_errors = httpx.ConnectError | httpx.ConnectTimeout | ConnectionRefusedError
    return any(isinstance(link, connect_errors) for link in _chain(error))


def _chain(error: BaseException) -> list[BaseException]:
    """The exception and its causes, outermost first (litellm wraps httpx's errors)."""
    links: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in links and len(links) < 16:
        links.append(current)
        current = current.__cause__ or current.__context__
    return links


def _vendor_status(error: Exception) -> int | None:
    """The status the vendor sent: litellm reports Anthropic's 529 (overloaded) as 500, but
    keeps the original HTTP error in the exception chain."""
    for link in _chain(error):
        if isinstance(link, httpx.HTTPStatusError):
            return link.response.status_code
    status = getattr(error, "status_code", None)
    return status if isinstance(status, int) else None


def _header(error: Exception, name: str) -> str | None:
    headers: Any = getattr(error, "litellm_response_headers", None)
    if headers is None:
        headers = getattr(getattr(error, "response", None), "headers", None)
    value = headers.get(name) if headers is not None else None
    return value if isinstance(value, str) else None
