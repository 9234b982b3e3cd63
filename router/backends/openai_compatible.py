"""Backends that speak the OpenAI API: vLLM, llama.cpp's server, and their kin.

The upstream client is aiohttp: on this path it costs about a fifth of httpx's CPU per request
(0.13 ms against 0.60 ms, `benchmarks/README.md`), which is most of what a router adds.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import AbstractAsyncContextManager, aclosing
from typing import Any

import aiohttp
import orjson

from router.backends.base import UpstreamRequest
from router.backends.pool import Replica, ReplicaPool
from router.backends.sse import DONE, iter_sse_data
from router.backends.upstream_client import UpstreamClient
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
_HEALTH_TIMEOUT = aiohttp.ClientTimeout(total=3.0)
# A replica that could not be reached: nothing was sent, so another may be tried. The wait for
# a free connection is not part of this (`UpstreamClient` bounds it and raises its own error).
_UNREACHABLE = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


class OpenAICompatibleBackend:
    def __init__(self, route_name: str, pool: ReplicaPool, client: UpstreamClient) -> None:
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
                async with self._post(replica, request) as response:
                    content = await response.read()
                if response.status in _REPLICA_DOWN_STATUSES:
                    self._pool.mark_failed(replica)
                    continue
                self._raise_for_status(response.status, content)
                self._pool.mark_succeeded(replica)
                return parse_object(content, self.route_name)
            except _UNREACHABLE:
                self._unreachable(replica)
            except TimeoutError as error:
                raise self._timed_out(error) from None
            except aiohttp.ClientError:
                raise _interrupted(self.route_name, "answer") from None
            finally:
                self._pool.release(replica)

    async def stream(self, request: UpstreamRequest) -> AsyncGenerator[dict[str, Any], None]:
        async with aclosing(self.stream_bytes(request)) as blocks:
            async for data in iter_sse_data(blocks):
                if data == DONE:
                    return
                yield parse_object(data, self.route_name)

    async def stream_bytes(self, request: UpstreamRequest) -> AsyncGenerator[bytes, None]:
        """The event stream as read from the backend (`[DONE]` included), once it has answered
        with success; errors are raised as `UpstreamError`s, as by `stream`."""
        tried: set[str] = set()
        while True:
            replica = self._acquire(tried)
            try:
                async with self._post(replica, request) as response:
                    if response.status in _REPLICA_DOWN_STATUSES:
                        self._pool.mark_failed(replica)
                        continue
                    if response.status >= 300:
                        self._raise_for_status(response.status, await response.read())
                    self._pool.mark_succeeded(replica)
                    async for block in response.content.iter_any():
                        yield block
                    return
            except _UNREACHABLE:
                # Raised only while connecting: no chunk has been relayed yet.
                self._unreachable(replica)
            except TimeoutError as error:
                raise self._timed_out(error) from None
            except aiohttp.ClientError:
                # The connection broke after the stream began: nothing can be retried safely.
                raise _interrupted(self.route_name, "stream") from None
            finally:
                self._pool.release(replica)

    async def count_tokens(self, text: str) -> int | None:
        # llama.cpp's server offers this; vLLM reports usage itself and never needs it.
        replica = self._pool.acquire()
        if replica is None:
            return None
        try:
            async with self._client.request(
                "POST",
                f"{replica.base_url.removesuffix('/v1')}/extras/tokenize/count",
                data=orjson.dumps({"input": text}),
                time_limits=_HEALTH_TIMEOUT,
            ) as response:
                content = await response.read() if response.status == 200 else b"null"
            count = orjson.loads(content).get("count")
        except (aiohttp.ClientError, TimeoutError, ValueError, AttributeError, UpstreamUnavailable):
            count = None
        finally:
            self._pool.release(replica)
        return count if isinstance(count, int) else None

    async def check_health(self) -> None:
        for replica in self._pool.replicas:
            try:
                async with self._client.request(
                    "GET", f"{replica.base_url}/models", time_limits=_HEALTH_TIMEOUT
                ) as response:
                    ok = response.status < 500
            except UpstreamUnavailable:
                continue  # every connection is busy: no verdict on the replica
            except (aiohttp.ClientError, TimeoutError):
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

    def _post(
        self, replica: Replica, request: UpstreamRequest
    ) -> AbstractAsyncContextManager[aiohttp.ClientResponse]:
        return self._client.request(
            "POST",
            f"{replica.base_url}/{request.endpoint.value}",
            data=orjson.dumps(request.body),
        )

    def _unreachable(self, replica: Replica) -> None:
        # Nothing reached the model, so another replica may safely be tried.
        log.warning("route %s: a replica refused the connection", self.route_name)
        self._pool.mark_failed(replica)

    def _raise_for_status(self, status: int, body: bytes) -> None:
        # A redirect is a failure too: it is never followed, so its body is no answer.
        if status < 300:
            return
        code = _upstream_code(body)
        log.warning("route %s: backend answered %d (%s)", self.route_name, status, code)
        if 400 <= status < 500:
            raise InvalidRequest(
                f"The model backend rejected the request (status {status}, code {code}).",
                code=code,
            )
        raise UpstreamError(f"The model backend failed (status {status}).", code="upstream_error")

    def _timed_out(self, error: TimeoutError) -> RouterError:
        log.warning("route %s: backend timed out (%s)", self.route_name, type(error).__name__)
        return UpstreamTimeout("The model backend did not answer in time.")


def _interrupted(route_name: str, what: str) -> UpstreamError:
    log.warning("route %s: %s interrupted", route_name, what)
    return UpstreamError(
        f"The model backend closed the {what} before it was complete.",
        code=f"upstream_{what}_interrupted",
    )


def parse_object(content: bytes, route_name: str) -> dict[str, Any]:
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
