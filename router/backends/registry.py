"""A backend per policy route, rebuilt when the policy changes and health-checked meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

import aiohttp

from router.backends.base import Backend
from router.backends.claude import build_claude_backend
from router.backends.openai_compatible import OpenAICompatibleBackend
from router.backends.pool import ReplicaPool
from router.backends.upstream_client import UpstreamClient
from router.policy.model import Policy, Route, RouteKind
from router.settings import UpstreamSettings

log = logging.getLogger(__name__)

# Idle upstream connections are dropped before uvicorn's (so vLLM's) 5 s keep-alive ends, so
# that a request is never sent down a connection the server is closing.
_KEEPALIVE_SECONDS = 4.0


class BackendRegistry:
    """Built inside the event loop (at start-up): the upstream client belongs to that loop."""

    def __init__(self, settings: UpstreamSettings, managed_url: str | None) -> None:
        self._settings = settings
        self._managed_url = managed_url
        self._client = upstream_client(settings)
        self._backends: dict[str, Backend] = {}
        self._routes: dict[str, Route] = {}
        self._retired: list[Backend] = []

    def sync(self, policy: Policy) -> None:
        """Match the backends to the policy's routes, keeping those whose route is unchanged."""
        backends: dict[str, Backend] = {}
        for name, route in policy.routes.items():
            if not route.enabled:
                continue
            existing = self._backends.get(name)
            if existing is not None and self._routes.get(name) == route:
                backends[name] = existing
                continue
            built = self._build(name, route)
            if built is not None:
                backends[name] = built
        # Replaced backends may still be relaying a stream: they are closed at shutdown.
        self._retired += [b for n, b in self._backends.items() if backends.get(n) is not b]
        self._backends = backends
        self._routes = dict(policy.routes)

    def get(self, route_name: str) -> Backend | None:
        return self._backends.get(route_name)

    def health(self) -> dict[str, bool]:
        return {name: backend.healthy for name, backend in self._backends.items()}

    async def check_all(self) -> None:
        results = await asyncio.gather(
            *(backend.check_health() for backend in self._backends.values()),
            return_exceptions=True,
        )
        for name, result in zip(self._backends, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("route %s: health check failed (%s)", name, type(result).__name__)

    async def run_health_checks(self) -> None:
        while True:
            await self.check_all()
            await asyncio.sleep(self._settings.health_check_interval_seconds)

    async def aclose(self) -> None:
        for backend in [*self._backends.values(), *self._retired]:
            with contextlib.suppress(Exception):
                await backend.aclose()
        await self._client.close()

    def _build(self, name: str, route: Route) -> Backend | None:
        if route.kind is RouteKind.OPENAI_COMPATIBLE:
            endpoints = route.endpoints
            if route.managed:
                endpoints = (self._managed_url,) if self._managed_url else ()
            if not endpoints:
                log.warning("route %s: no endpoint (the local model is not running)", name)
                return None
            pool = ReplicaPool(endpoints, self._settings.unhealthy_cooldown_seconds)
            return OpenAICompatibleBackend(name, pool, self._client)
        # Claude routes: litellm is imported only when one is enabled (it takes seconds).
        return build_claude_backend(name, route, self._settings, os.environ)


def upstream_client(settings: UpstreamSettings) -> UpstreamClient:
    """One pooled client for every OpenAI-compatible route; no proxy from the environment."""
    # Unlimited here: `UpstreamClient` bounds the connections, with a wait of its own, because
    # aiohttp's connect timeout would count the wait for a pooled connection as unreachable.
    connector = aiohttp.TCPConnector(
        limit=0, limit_per_host=0, keepalive_timeout=_KEEPALIVE_SECONDS
    )
    timeout = aiohttp.ClientTimeout(
        total=None,
        connect=None,
        sock_connect=settings.connect_timeout_seconds,
        sock_read=settings.read_timeout_seconds,
    )
    session = aiohttp.ClientSession(
        connector=connector, timeout=timeout, trust_env=False, raise_for_status=False
    )
    return UpstreamClient(
        session, settings.max_connections, pool_wait_seconds=settings.connect_timeout_seconds
    )
