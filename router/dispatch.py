"""Dispatch: send the request to the decided route (or a permitted fallback), relay the answer,
re-identify it, and complete the audit record however the response ends."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
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
from router.stalled_clients import ClientStalled, StallGuardedStreamingResponse

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


@dataclass(slots=True)
class _Progress:
    """What the relay has seen so far, for the audit record and the usage chunk."""

    route: str
    forwarded: float = 0.0
    first_token: float | None = None
    usage: dict[str, int] | None = None
    completion_chunks: int = 0
    raw: list[bytes] = field(default_factory=list)


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
                _Progress(route=plan.decision.route or ""),
                error.status_code,
                type(error).__name__,
            )
            raise

    async def _complete(self, plan: DispatchPlan) -> Response:
        for route, backend in self._attempts(plan):
            progress = _Progress(route=route, forwarded=time.perf_counter())
            try:
                body = await backend.send(self._upstream_request(plan, route))
            except UpstreamError as error:
                if not self._may_fall_back(plan, route, error):
                    raise
                continue
            progress.first_token = time.perf_counter()
            progress.usage = _usage(body)
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
            progress = _Progress(route=route, forwarded=time.perf_counter())
            chunks = backend.stream(self._upstream_request(plan, route))
            try:
                first = await anext(chunks)
            except StopAsyncIteration:
                first = None
            except UpstreamError as error:
                await chunks.aclose()
                if not self._may_fall_back(plan, route, error):
                    raise
                continue
            relay = self._relay(plan, progress, backend, first, chunks)
            return StallGuardedStreamingResponse(
                relay,
                stall_timeout=self._client_stall_timeout,
                media_type="text/event-stream",
                headers=_headers(plan, route),
            )
        raise _exhausted(plan)

    async def _relay(
        self,
        plan: DispatchPlan,
        progress: _Progress,
        backend: Backend,
        first: dict[str, Any] | None,
        chunks: AsyncGenerator[dict[str, Any], None],
    ) -> AsyncGenerator[bytes, None]:
        restorer = ResponseRestorer(plan.surrogates) if plan.surrogates is not None else None
        # Until the relay finishes or fails, an early exit means the client went away.
        status: int = 499
        error_class: str | None = "ClientDisconnected"
        try:
            if first is not None:
                yield self._emit(first, progress, restorer)
                async for chunk in chunks:
                    yield self._emit(chunk, progress, restorer)
            if restorer is not None and (tail := restorer.flush_chunk(first)) is not None:
                yield encode_event(tail)
            if _wants_usage(plan.body) and progress.usage is None:
                yield encode_event(await self._usage_chunk(plan, backend, progress, first))
            yield encode_done()
            status, error_class = 200, None
        except ClientStalled:
            error_class = "ClientStalled"  # still 499: the client is treated as gone
        except RouterError as error:
            status, error_class = error.status_code, type(error).__name__
            self._metrics.upstream_errors.labels(progress.route, error.code).inc()
            yield encode_event(error.to_openai())
        finally:
            with anyio.CancelScope(shield=True):
                await chunks.aclose()
                await self._close(plan, progress, status, error_class)

    def _emit(
        self, chunk: dict[str, Any], progress: _Progress, restorer: ResponseRestorer | None
    ) -> bytes:
        if progress.first_token is None:
            progress.first_token = time.perf_counter()
        if chunk.get("usage"):
            progress.usage = _usage(chunk)
        if any(
            choice.get("delta", {}).get("content") or choice.get("text")
            for choice in chunk.get("choices") or ()
        ):
            progress.completion_chunks += 1
        raw = encode_event(chunk)
        progress.raw.append(raw)
        if restorer is not None:
            restorer.restore_chunk(chunk)
            return encode_event(chunk)
        return raw

    async def _usage_chunk(
        self,
        plan: DispatchPlan,
        backend: Backend,
        progress: _Progress,
        first: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """OpenAI's final usage chunk, for backends that ignore `stream_options.include_usage`.

        llama.cpp sends one chunk per generated token, so counting chunks is exact there.
        """
        prompt_text = "\n".join(_message_texts(plan.body))
        prompt_tokens = await backend.count_tokens(prompt_text) or 0
        completion = progress.completion_chunks
        progress.usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": prompt_tokens + completion,
        }
        base = first or {}
        return {
            "id": base.get("id", plan.ctx.request_id),
            "object": base.get("object", "chat.completion.chunk"),
            "created": base.get("created", int(time.time())),
            "model": base.get("model", plan.body.get("model", "")),
            "choices": [],
            "usage": progress.usage,
        }

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
        self, plan: DispatchPlan, progress: _Progress, status: int, error_class: str | None
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
        progress: _Progress,
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


def _usage(body: dict[str, Any]) -> dict[str, int] | None:
    usage = body.get("usage")
    if not isinstance(usage, dict):
        return None
    return {k: v for k, v in usage.items() if isinstance(v, int)}


def _wants_usage(body: dict[str, Any]) -> bool:
    options = body.get("stream_options")
    return isinstance(options, dict) and options.get("include_usage") is True


def _message_texts(body: dict[str, Any]) -> list[str]:
    texts: list[str] = []
    for message in body.get("messages") or ():
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts += [p.get("text", "") for p in content if isinstance(p, dict)]
    if isinstance(body.get("prompt"), str):
        texts.append(body["prompt"])
    return texts


def _wall(plan: DispatchPlan, moment: float | None) -> dt.datetime | None:
    if not moment:
        return None
    return plan.ctx.received_at + dt.timedelta(seconds=moment - plan.ctx.started)
