"""The request path, in one visible place.

authenticate (done by the API layer) -> parse (done by the API layer) -> classify -> decide
-> de-identify -> write the audit record -> dispatch -> re-identify -> complete the audit
record -> metrics. Each stage is a module; this one only puts them in order.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import time
import uuid
from typing import Any

import orjson
from starlette.responses import Response

from router.audit.record import AuditClosing, AuditOpening
from router.audit.trail import AuditTrail
from router.backends.base import Endpoint
from router.backends.registry import BackendRegistry
from router.context import RequestContext
from router.dispatch import Dispatcher, DispatchPlan
from router.errors import (
    ClassificationFailed,
    ClassificationRejected,
    InvalidRequest,
    PermissionDenied,
    PolicyRefusal,
    RouterError,
    UnknownModel,
)
from router.identity.rate_limits import RateLimits
from router.metrics import Metrics
from router.phi import Classification, Classifier, SurrogateMap, deidentify_chat
from router.policy.decision import Decision, Facts, Outcome, decide
from router.policy.model import Capability, Policy
from router.policy.store import PolicyStore

log = logging.getLogger(__name__)

_CAPABILITY = {
    Endpoint.CHAT: Capability.CHAT,
    Endpoint.COMPLETIONS: Capability.COMPLETIONS,
    Endpoint.EMBEDDINGS: Capability.EMBEDDINGS,
}
UNKNOWN_WORKLOAD = "(unknown)"
# Endpoints whose free text is scanned, and where it lives in the body.
_TEXT_FIELDS = {Endpoint.COMPLETIONS: "prompt", Endpoint.EMBEDDINGS: "input"}


class RequestPipeline:
    def __init__(
        self,
        policies: PolicyStore,
        classifier: Classifier,
        registry: BackendRegistry,
        audit: AuditTrail,
        metrics: Metrics,
        rate_limits: RateLimits | None = None,
        client_stall_timeout: float = 60.0,
    ) -> None:
        self._rate_limits = rate_limits
        self._policies = policies
        self._classifier = classifier
        self._registry = registry
        self._audit = audit
        self._metrics = metrics
        self._dispatcher = Dispatcher(registry, audit, metrics, client_stall_timeout)

    async def handle(
        self, ctx: RequestContext, endpoint: Endpoint, body: dict[str, Any], stream: bool
    ) -> Response:
        loaded = self._policies.current
        workload = self._workload(ctx)
        classification = self._classify(endpoint, body, ctx.principal.identity)
        decision = decide(
            Facts(
                decision_id=f"dec_{uuid.uuid4().hex}",
                principal=ctx.principal,
                workload=workload,
                requested_model=str(body["model"]),
                capability=_CAPABILITY[endpoint],
                detected_tier=classification.tier,
                route_health=self._registry.health(),
                today=ctx.received_at.date(),
            ),
            loaded.policy,
            loaded.version,
        )
        if workload not in loaded.policy.workloads:
            # A caller's text, refused below: never a metric label, audit field or SIEM value.
            workload = UNKNOWN_WORKLOAD
        counts = classification.entity_counts()
        for entity_type, count in counts.items():
            self._metrics.phi_entities.labels(entity_type).inc(count)
        if not decision.routed:
            await self._record_refusal(ctx, endpoint, workload, counts, decision, loaded.policy)
            raise _refusal_error(decision)
        if self._rate_limits is not None:
            # After the decision, so that the effective tier decides whether a Redis outage
            # fails closed; before the audit record, since nothing is forwarded on a 429.
            await self._rate_limits.admit(ctx.principal, workload, decision.effective_tier, body)
        outbound, surrogates = self._outbound(endpoint, body, classification, decision)
        opening = self._opening(
            ctx, endpoint, workload, counts, decision, loaded.policy, orjson.dumps(outbound)
        )
        audit_started = time.perf_counter()
        await self._audit.open(opening)
        self._metrics.audit_write.observe(time.perf_counter() - audit_started)
        if decision.deidentify:
            self._metrics.deidentified.labels(workload, decision.route or "").inc()
        plan = DispatchPlan(
            ctx=ctx,
            endpoint=endpoint,
            decision=decision,
            workload=workload,
            policy=loaded.policy,
            body=outbound,
            surrogates=surrogates,
            stream=stream,
        )
        return await self._dispatcher.respond(plan)

    def _workload(self, ctx: RequestContext) -> str:
        workload = ctx.workload or ctx.principal.default_workload
        if workload is None:
            raise InvalidRequest(
                "Name the workload in the X-Router-Workload header; this credential may use "
                "several.",
                code="workload_required",
            )
        return workload

    def _classify(self, endpoint: Endpoint, body: dict[str, Any], caller: str) -> Classification:
        # Partitioned by caller: the cache's speed must not tell one caller what another sent.
        try:
            if endpoint is Endpoint.CHAT:
                return self._classifier.classify_chat(body, partition=caller)
            field = _TEXT_FIELDS[endpoint]
            fields = _text_fields(field, body[field])
            return self._classifier.classify_fields(fields, partition=caller)
        except ClassificationRejected:
            raise
        except Exception as error:  # noqa: BLE001 - any failure refuses the request (fail closed)
            # The type only: a traceback's message may quote the request's content.
            log.error("classification failed (%s); refusing the request", type(error).__name__)
            raise ClassificationFailed(
                "The request could not be classified, so it was not routed."
            ) from None

    def _outbound(
        self,
        endpoint: Endpoint,
        body: dict[str, Any],
        classification: Classification,
        decision: Decision,
    ) -> tuple[dict[str, Any], SurrogateMap | None]:
        if not decision.deidentify:
            return body, None
        if endpoint is not Endpoint.CHAT:
            # Embeddings and legacy completions cannot be re-identified: keep them local.
            raise PolicyRefusal(
                "This workload requires de-identification, which this endpoint does not support "
                "off premises.",
                decision_id=decision.decision_id,
            )
        outbound, surrogates = deidentify_chat(copy.deepcopy(body), classification)
        return outbound, surrogates

    def _opening(
        self,
        ctx: RequestContext,
        endpoint: Endpoint,
        workload: str,
        entity_counts: dict[str, int],
        decision: Decision,
        policy: Policy,
        request_body: bytes = b"",
    ) -> AuditOpening:
        route = policy.routes.get(decision.route) if decision.route else None
        return AuditOpening(
            request_id=ctx.request_id,
            decision_id=decision.decision_id,
            received_at=ctx.received_at,
            principal=ctx.principal,
            client_ip=ctx.client_ip,
            user_agent=ctx.user_agent,
            endpoint=endpoint.value,
            workload=workload,
            declared_tier=decision.declared_tier,
            detected_tier=decision.detected_tier,
            effective_tier=decision.effective_tier,
            entity_counts=entity_counts,
            outcome=decision.outcome.value,
            route=decision.route,
            rule=decision.rule,
            policy_version=decision.policy_version,
            reason=decision.reason,
            logical_model=decision.logical_model or "",
            upstream_model=route.model if route else None,
            deidentified=decision.deidentify,
            request_body=request_body,
        )

    async def _record_refusal(
        self,
        ctx: RequestContext,
        endpoint: Endpoint,
        workload: str,
        entity_counts: dict[str, int],
        decision: Decision,
        policy: Policy,
    ) -> None:
        opening = self._opening(ctx, endpoint, workload, entity_counts, decision, policy)
        await self._audit.open(opening)
        await self._audit.close(
            ctx.request_id,
            AuditClosing(
                status_code=decision.status_code,
                completed_at=dt.datetime.now(dt.UTC),
                error_class=decision.rule,
                total_ms=(time.perf_counter() - ctx.started) * 1000,
            ),
        )
        self._metrics.refusals.labels(_refusal_reason(decision)).inc()
        self._metrics.requests.labels(
            workload,
            decision.effective_tier,
            "none",
            "none",
            decision.logical_model or "",
            decision.outcome.value,
            str(decision.status_code),
        ).inc()


def _refusal_error(decision: Decision) -> RouterError:
    headers = {
        "X-Router-Decision-Id": decision.decision_id,
        "X-Router-Tier": decision.effective_tier,
    }
    if decision.outcome is Outcome.REFUSE:
        error: RouterError = PolicyRefusal(decision.reason, decision_id=decision.decision_id)
    elif decision.outcome is Outcome.DENY:
        error = PermissionDenied(decision.reason)
    elif decision.status_code == 404:
        error = UnknownModel(decision.reason, param="model")
    else:
        error = InvalidRequest(decision.reason)
    error.headers.update(headers)
    return error


def _refusal_reason(decision: Decision) -> str:
    """A bounded label: the rule family, never a value from the request."""
    return decision.rule.split("[")[0].replace(f".{decision.effective_tier}", "")


def _text_fields(field: str, value: object) -> list[tuple[str, object]]:
    """Every item, text or not: the classifier rejects what it cannot read (token ids, say),
    so that nothing unscanned passes as `non_phi`."""
    if isinstance(value, list):
        return [(f"{field}[{i}]", item) for i, item in enumerate(value)]
    return [(field, value)]
