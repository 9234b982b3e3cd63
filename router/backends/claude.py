"""Build the backend of a Claude route (`anthropic`, `bedrock`, `vertex_ai`)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping

import httpx

from router.backends.circuit import CircuitBreaker, CircuitPolicy
from router.backends.claude_routes import route_call
from router.backends.litellm_backend import LiteLLMBackend
from router.backends.litellm_runtime import load_litellm
from router.backends.retry import RetryPolicy
from router.policy.model import Route
from router.settings import UpstreamSettings


def build_claude_backend(
    name: str,
    route: Route,
    settings: UpstreamSettings,
    environ: Mapping[str, str],
    retry: RetryPolicy | None = None,
    circuit: CircuitPolicy | None = None,
) -> LiteLLMBackend:
    litellm = load_litellm()
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_seconds,
        read=settings.read_timeout_seconds,
        write=30.0,
        pool=settings.connect_timeout_seconds,
    )
    handlers = importlib.import_module("litellm.llms.custom_httpx.http_handler")
    # A plain httpx transport of our own: closed with the backend, no proxy taken from the
    # environment, no aiohttp session left behind.
    http_handler = handlers.AsyncHTTPHandler(
        timeout=timeout,
        transport=httpx.AsyncHTTPTransport(
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_keepalive_connections,
            )
        ),
        follow_redirects=False,
    )
    breaker_policy = circuit or CircuitPolicy(cooldown_seconds=settings.unhealthy_cooldown_seconds)
    return LiteLLMBackend(
        route_name=name,
        call=route_call(route, environ),
        completion=litellm.acompletion,
        breaker=CircuitBreaker(name, breaker_policy),
        retry=retry or RetryPolicy(),
        timeout=timeout,
        http_handler=http_handler,
    )
