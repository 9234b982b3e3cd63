"""Dispatch: send the request to the decided route (or a permitted fallback), relay the answer,
re-identify it, and complete the audit record however the response ends."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import anyio
import orjson
from starlette.responses import Response

from router.audit.record import AuditClosing
from router.audit.trail import AuditTrail
from router.backends.base import Backend, Endpoint, UpstreamRequest
from router.backends.registry import BackendRegistry
from router.backends.sse import encode_done, encode_event
from router.context import RequestContext
from router.errors import RouterError, UpstreamError, UpstreamUnavailable
from router.metrics import Metrics
from router.phi import SurrogateMap
from router.policy.decision import Decision
from router.policy.model import Policy
from router.reidentify import ResponseRestorer
from router.relay import EventRelay, Progress, usage_chunk, usage_of, wants_usage
from router.stalled_clients import ClientStalled, LastChunk, StallGuardedStreamingResponse

log = logging.getLogger(__name__)

_FALLBACK_STATUSES = frozenset({502, 503})


@dataclass(frozen=True, slots=True)
class DispatchPlan:
    """A decided request, ready to send: the body is as it may leave (de-identified if due)."""

    ctx: RequestContext
    endpoint: Endpoint
    decision: Decision
    workload: str
    policy: Policy
    body: dict[str, Any]
    surrogates: SurrogateMap | None
    stream: bool


class Dispatcher:
    def __init__(
        self,
        registry: BackendRegistry,
        audit: AuditTrail,
        metrics: Metrics,
        client_stall_timeout: float = 60.0,
    ) -> None:
        self._registry = registry
        self._audit = audit
        self._metrics = metrics
        self._client_stall_timeout = client_stall_timeout

    async def respond(self, plan: DispatchPlan) -> Response:
        self._metrics.overhead.observe(time.perf_counter() - plan.ctx.started)
        try:
            if plan.stream:
                return await self._open_stream(plan)
            return await self._complete(plan)
        except RouterError as error:
            await self._close(
                plan,
                Progress(route=plan.decision.route or ""),
                error.status_code,
                type(error).__name__,
            )
            raise

    async def _complete(self, plan: DispatchPlan) -> Response:
        for route, backend in self._attempts(plan):
            progress = Progress(route=route, forwarded=time.perf_counter())
            try:
                body = await backend.send(self._upstream_request(plan, route))
            except UpstreamError as error:
                if not self._may_fall_back(plan, route, error):
                    raise
                continue
            progress.first_token = time.perf_counter()
            progress.usage = usage_of(body)
            progress.raw.append(orjson.dumps(body))
            if plan.surrogates is not None:
                ResponseRestorer(plan.surrogates).restore_completion(body)
            await self._close(plan, progress, 200, None)
            return Response(
                orjson.dumps(body), media_type="application/json", headers=_headers(plan, route)
            )
        raise _exhausted(plan)

    async def _open_stream(self, plan: DispatchPlan) -> Response:
        for route, backend in self._attempts(plan):
            progress = Progress(route=route, forwarded=time.perf_counter())
            request = self._upstream_request(plan, route)
            try:
                # OpenAI-compatible backends can give their events as sent (`stream_bytes`).
                # Looked up, not an isinstance() of a runtime protocol: that took 8 us.
                as_bytes = getattr(backend, "stream_bytes", None)
                if plan.surrogates is None and as_bytes is not None:
                    blocks = as_bytes(request)
                    relay = await self._open_events(plan, progress, backend, blocks)
                else:
                    relay = await self._open_chunks(plan, progress, backend, request)
            except UpstreamError as error:
                if not self._may_fall_back(plan, route, error):
                    raise
                continue
            return StallGuardedStreamingResponse(
                relay,
                stall_timeout=self._client_stall_timeout,
                media_type="text/event-stream",
                headers=_headers(plan, route),
            )
        raise _exhausted(plan)

    async def _open_chunks(
        self, plan: DispatchPlan, progress: Progress, backend: Backend, request: UpstreamRequest
    ) -> AsyncGenerator[bytes, None]:
        chunks = backend.stream(request)
        try:
            first = await anext(chunks)
        except StopAsyncIteration:
            first = None
        except UpstreamError:
            await chunks.aclose()
            raise
        return self._relay_chunks(plan, progress, backend, first, chunks)

    async def _open_events(
        self,
        plan: DispatchPlan,
        progress: Progress,
        backend: Backend,
        blocks: AsyncGenerator[bytes, None],
    ) -> AsyncGenerator[bytes, None]:
        events = EventRelay(progress)
        first = b""
        try:
            # As with parsed chunks, the response starts with the first whole chunk: a failure
            # before it can still fall back to another route.
            async for block in blocks:
                first += events.feed(block)
                if events.first is not None or events.done:
                    break
            else:
                first += events.finish()
        except UpstreamError:
            await blocks.aclose()
            raise
        return self._relay_events(plan, progress, backend, events, first, blocks)

    async def _relay_events(
        self,
        plan: DispatchPlan,
        progress: Progress,
        backend: Backend,
        events: EventRelay,
        first: bytes,
        blocks: AsyncGenerator[bytes, None],
    ) -> AsyncGenerator[bytes, None]:
        # Until the relay finishes or fails, an early exit means the client went away.
        status: int = 499
        error_class: str | None = "ClientDisconnected"
        try:
            if first:
                yield progress.sent(first)
            if not events.done:
                async for block in blocks:
                    if data := events.feed(block):
                        yield progress.sent(data)
                    if events.done:
                        break
                else:
                    if data := events.finish():
                        yield progress.sent(data)
            yield await self._ending(plan, backend, progress, events.first, b"")
            status, error_class = 200, None
        except ClientStalled:
            error_class = "ClientStalled"  # still 499: the client is treated as gone
        except RouterError as error:
            status, error_class = error.status_code, type(error).__name__
            self._metrics.upstream_errors.labels(progress.route, error.code).inc()
            yield encode_event(error.to_openai())
        finally:
            with anyio.CancelScope(shield=True):
                await blocks.aclose()
                await self._close(plan, progress, status, error_class)

    async def _relay_chunks(
        self,
        plan: DispatchPlan,
        progress: Progress,
        backend: Backend,
        first: dict[str, Any] | None,
        chunks: AsyncGenerator[dict[str, Any], None],
    ) -> AsyncGenerator[bytes, None]:
        restorer = ResponseRestorer(plan.surrogates) if plan.surrogates is not None else None
        status: int = 499
        error_class: str | None = "ClientDisconnected"
        try:
            if first is not None:
                yield self._emit(first, progress, restorer)
                async for chunk in chunks:
                    yield self._emit(chunk, progress, restorer)
            tail = b""
            if restorer is not None and (rest := restorer.flush_chunk(first)) is not None:
                tail = encode_event(rest)
            yield await self._ending(plan, backend, progress, first, tail)
            status, error_class = 200, None
        except ClientStalled:
            error_class = "ClientStalled"
        except RouterError as error:
            status, error_class = error.status_code, type(error).__name__
            self._metrics.upstream_errors.labels(progress.route, error.code).inc()
            yield encode_event(error.to_openai())
        finally:
            with anyio.CancelScope(shield=True):
                await chunks.aclose()
                await self._close(plan, progress, status, error_class)

    async def _ending(
        self,
        plan: DispatchPlan,
        backend: Backend,
        progress: Progress,
        first: dict[str, Any] | None,
        tail: bytes,
    ) -> bytes:
        """The stream's last write, which completes the response: `tail`, the usage chunk if
        asked for and not yet sent, and `[DONE]`."""
        if wants_usage(plan.body) and progress.usage is None:
            chunk = await usage_chunk(plan.body, plan.ctx.request_id, backend, progress, first)
            tail += encode_event(chunk)
        return LastChunk(tail + encode_done())

    def _emit(
        self, chunk: dict[str, Any], progress: Progress, restorer: ResponseRestorer | None
    ) -> bytes:
        progress.count(chunk)
        raw = progress.sent(encode_event(chunk))
        if restorer is not None:
            restorer.restore_chunk(chunk)
            return encode_event(chunk)
        return raw

    def _attempts(self, plan: DispatchPlan) -> list[tuple[str, Backend]]:
        attempts = []
        for route in plan.decision.permitted_routes:
            backend = self._registry.get(route)
            if backend is not None:
                attempts.append((route, backend))
        return attempts

    def _upstream_request(self, plan: DispatchPlan, route: str) -> UpstreamRequest:
        body = dict(plan.body)
        body["model"] = plan.policy.routes[route].model
        return UpstreamRequest(endpoint=plan.endpoint, body=body)

    def _may_fall_back(self, plan: DispatchPlan, route: str, error: UpstreamError) -> bool:
        self._metrics.upstream_errors.labels(route, error.code).inc()
        routes = plan.decision.permitted_routes
        position = routes.index(route)
        if error.status_code not in _FALLBACK_STATUSES or position + 1 >= len(routes):
            return False
        log.warning(
            "route %s failed (%s); falling back to %s", route, error.code, routes[position + 1]
        )
        self._metrics.fallbacks.labels(route, routes[position + 1]).inc()
        return True

    async def _close(
        self, plan: DispatchPlan, progress: Progress, status: int, error_class: str | None
    ) -> None:
        now = time.perf_counter()
        started = plan.ctx.started
        route = progress.route or plan.decision.route or "none"
        usage = progress.usage or {}
        await self._audit.close(
            plan.ctx.request_id,
            AuditClosing(
                status_code=status,
                completed_at=dt.datetime.now(dt.UTC),
                route=route,
                error_class=error_class,
                forwarded_at=_wall(plan, progress.forwarded),
                first_token_at=_wall(plan, progress.first_token),
                prompt_tokens=usage.get("prompt_tokens"),
                completion_tokens=usage.get("completion_tokens"),
                router_ms=((progress.forwarded or now) - started) * 1000,
                upstream_ms=(now - progress.forwarded) * 1000 if progress.forwarded else None,
                total_ms=(now - started) * 1000,
                response_body=b"".join(progress.raw),
            ),
        )
        self._observe(plan, route, status, usage, progress, now)
        # Identifiers and numbers only: nothing from the request or the answer.
        log.debug(
            "%s: route %s, status %d, %.2f ms",
            plan.ctx.request_id,
            route,
            status,
            (now - started) * 1000,
        )

    def _observe(
        self,
        plan: DispatchPlan,
        route: str,
        status: int,
        usage: dict[str, int],
        progress: Progress,
        now: float,
    ) -> None:
        route_def = plan.policy.routes.get(route)
        boundary = route_def.data_boundary.value if route_def else "none"
        decision = plan.decision
        self._metrics.requests.labels(
            plan.workload,
            decision.effective_tier,
            route,
            boundary,
            decision.logical_model or "",
            decision.outcome.value,
            str(status),
        ).inc()
        self._metrics.request_duration.labels(route).observe(now - plan.ctx.started)
        if progress.forwarded and progress.first_token:
            self._metrics.upstream_latency.labels(route).observe(
                progress.first_token - progress.forwarded
            )
            if plan.stream:
                self._metrics.time_to_first_token.labels(route).observe(
                    progress.first_token - plan.ctx.started
                )
        for direction, key in (("in", "prompt_tokens"), ("out", "completion_tokens")):
            if usage.get(key):
                self._metrics.tokens.labels(route, plan.workload, direction).inc(usage[key])


def _headers(plan: DispatchPlan, route: str) -> dict[str, str]:
    return {
        "X-Request-Id": plan.ctx.request_id,
        "X-Router-Decision-Id": plan.decision.decision_id,
        "X-Router-Tier": plan.decision.effective_tier.value,
        "X-Router-Route": route,
    }


def _exhausted(plan: DispatchPlan) -> RouterError:
    error = UpstreamUnavailable(
        "No permitted route could take the request; it was not sent anywhere else.",
        code="no_route_available",
    )
    error.headers["X-Router-Decision-Id"] = plan.decision.decision_id
    return error


def _wall(plan: DispatchPlan, moment: float | None) -> dt.datetime | None:
    if not moment:
        return None
    return plan.ctx.received_at + dt.timedelta(seconds=moment - plan.ctx.started)
