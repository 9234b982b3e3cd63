"""Backends that speak the OpenAI API: vLLM, llama.cpp's server, and their kin."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Any

import httpx
import orjson

from router.backends.base import UpstreamRequest
from router.backends.pool import Replica, ReplicaPool
from router.backends.sse import DONE, iter_sse_data
from router.errors import (
    InvalidRequest,
    RouterError,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)

log = logging.getLogger(__name__)

# Statuses that say "this replica cannot serve now", so another replica may be tried.
_REPLICA_DOWN_STATUSES = frozenset({502, 503})
_HEALTH_TIMEOUT = httpx.Timeout(3.0)


class OpenAICompatibleBackend:
    def __init__(self, route_name: str, pool: ReplicaPool, client: httpx.AsyncClient) -> None:
        self.route_name = route_name
        self._pool = pool
        self._client = client

    @property
    def healthy(self) -> bool:
        return self._pool.any_available

    async def send(self, request: UpstreamRequest) -> dict[str, Any]:
        tried: set[str] = set()
        while True:
            replica = self._acquire(tried)
            try:
                response = await self._open(replica, request)
                if response is None:
                    continue
                try:
                    await response.aread()
                finally:
                    await response.aclose()
                if response.status_code in _REPLICA_DOWN_STATUSES:
                    self._pool.mark_failed(replica)
                    continue
                self._raise_for_status(response.status_code, response.content)
                self._pool.mark_succeeded(replica)
                return _parse_json(response.content, self.route_name)
            except httpx.TimeoutException as error:
                raise self._timed_out(error) from None
            finally:
                self._pool.release(replica)

    async def stream(self, request: UpstreamRequest) -> AsyncGenerator[dict[str, Any], None]:
        tried: set[str] = set()
        while True:
            replica = self._acquire(tried)
            try:
                response = await self._open(replica, request)
                if response is None:
                    continue
                try:
                    if response.status_code in _REPLICA_DOWN_STATUSES:
                        self._pool.mark_failed(replica)
                        continue
                    if response.status_code >= 400:
                        self._raise_for_status(response.status_code, await response.aread())
                    self._pool.mark_succeeded(replica)
                    async for data in iter_sse_data(response.aiter_raw()):
                        if data == DONE:
                            return
                        yield _parse_json(data, self.route_name)
                    return
                finally:
                    await response.aclose()
            except httpx.TimeoutException as error:
                raise self._timed_out(error) from None
            except httpx.TransportError:
                # The connection broke after the stream began: nothing can be retried safely.
                log.warning("route %s: stream interrupted", self.route_name)
                raise UpstreamError(
                    "The model backend closed the stream before it was complete.",
                    code="upstream_stream_interrupted",
                ) from None
            finally:
                self._pool.release(replica)

    async def count_tokens(self, text: str) -> int | None:
        # llama.cpp's server offers this; vLLM reports usage itself and never needs it.
        replica = self._pool.acquire()
        if replica is None:
            return None
        try:
            response = await self._client.post(
                f"{replica.base_url.removesuffix('/v1')}/extras/tokenize/count",
                json={"input": text},
                timeout=_HEALTH_TIMEOUT,
            )
            count = response.json().get("count") if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            count = None
        finally:
            self._pool.release(replica)
        return count if isinstance(count, int) else None

    async def check_health(self) -> None:
        for replica in self._pool.replicas:
            try:
                response = await self._client.get(
                    f"{replica.base_url}/models", timeout=_HEALTH_TIMEOUT
                )
                ok = response.status_code < 500
            except httpx.HTTPError:
                ok = False
            if ok:
                self._pool.mark_succeeded(replica)
                continue
            if replica.healthy:
                log.warning("route %s: a replica failed its health check", self.route_name)
            self._pool.mark_failed(replica)

    async def aclose(self) -> None:
        """The shared client belongs to the registry; nothing of our own to close."""

    def _acquire(self, tried: set[str]) -> Replica:
        replica = self._pool.acquire(frozenset(tried))
        if replica is None:
            raise UpstreamUnavailable(
                f"No replica of route '{self.route_name}' is reachable.",
                code="upstream_unavailable",
            )
        tried.add(replica.base_url)
        return replica

    async def _open(self, replica: Replica, request: UpstreamRequest) -> httpx.Response | None:
        """The response with its body unread, or None when the replica could not be reached."""
        upstream_request = self._client.build_request(
            "POST",
            f"{replica.base_url}/{request.endpoint.value}",
            content=orjson.dumps(request.body),
            headers={"content-type": "application/json"},
        )
        try:
            return await self._client.send(upstream_request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            # Nothing reached the model, so another replica may safely be tried.
            log.warning("route %s: a replica refused the connection", self.route_name)
            self._pool.mark_failed(replica)
            return None

    def _raise_for_status(self, status: int, body: bytes) -> None:
        if status < 400:
            return
        code = _upstream_code(body)
        log.warning("route %s: backend answered %d (%s)", self.route_name, status, code)
        if 400 <= status < 500:
            raise InvalidRequest(
                f"The model backend rejected the request (status {status}, code {code}).",
                code=code,
            )
        raise UpstreamError(f"The model backend failed (status {status}).", code="upstream_error")

    def _timed_out(self, error: httpx.TimeoutException) -> RouterError:
        log.warning("route %s: backend timed out (%s)", self.route_name, type(error).__name__)
        if isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout):
            return UpstreamUnavailable(
                "The model backend could not be reached in time.", code="upstream_unavailable"
            )
        return UpstreamTimeout("The model backend did not answer in time.")


def _parse_json(content: bytes, route_name: str) -> dict[str, Any]:
    try:
        parsed = orjson.loads(content)
    except orjson.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        log.warning("route %s: backend sent malformed JSON", route_name)
        raise UpstreamError(
            "The model backend sent a malformed response.", code="upstream_malformed"
        )
    return parsed


def _upstream_code(body: bytes) -> str:
    """A short machine code from the backend's error, never its free-text message."""
    try:
        error = orjson.loads(body).get("error", {})
        code = error.get("code") or error.get("type") if isinstance(error, dict) else None
    except (orjson.JSONDecodeError, AttributeError):
        code = None
    if isinstance(code, str) and code.replace("_", "").isalnum() and len(code) <= 64:
        return code
    return "upstream_rejected"
