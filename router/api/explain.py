"""`POST /v1/route/explain` and `GET /v1/policy/warnings`: what the policy would do, and what
in it needs attention. Nothing is dispatched and no model is called.

The explanation runs the same classification and `decide` as a real request, for the
authenticated caller and its workload, with the live route health. It reports entity types
and counts, never the values found.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from router.api.openai_routes import WORKLOAD_HEADER, PrincipalDep, ServicesDep
from router.api.parse import ChatCompletionRequest, read_json_body, validate
from router.api.schema import error_responses, json_request_body
from router.errors import ClassificationFailed, ClassificationRejected, InvalidRequest, NotReady
from router.phi import Classification
from router.policy.decision import AUTO_MODEL, Decision, Facts, decide
from router.policy.explain import decision_summary
from router.policy.governance import policy_warnings
from router.policy.model import Capability, Policy
from router.services import Services

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1")


class ExplainRequest(ChatCompletionRequest):
    """A chat completions body; `model` defaults to `auto`, `workload` to the header's."""

    model: str = Field(default=AUTO_MODEL, min_length=1, max_length=200)
    workload: str | None = Field(default=None, min_length=1, max_length=200)


@router.post(
    "/route/explain",
    openapi_extra=json_request_body(ExplainRequest),
    responses=error_responses(400, 401, 403, 404, 413, 431, 503),
)
async def explain_route(request: Request, svc: ServicesDep, who: PrincipalDep) -> dict[str, Any]:
    if svc.registry is None or svc.draining:
        raise NotReady("The router is not ready to explain decisions.")
    body = await read_json_body(request, svc.settings.max_body_bytes)
    parsed = validate(ExplainRequest, body, svc.settings.limits)
    workload = parsed.workload or request.headers.get(WORKLOAD_HEADER) or who.default_workload
    if workload is None:
        raise InvalidRequest(
            "Name the workload in the body's `workload` field or the X-Router-Workload header.",
            code="workload_required",
        )
    classification = _classify(svc, body, who.identity)
    loaded = svc.policies.current
    decision = decide(
        Facts(
            decision_id=f"explain_{uuid.uuid4().hex}",
            principal=who,
            workload=workload,
            requested_model=parsed.model,
            capability=Capability.CHAT,
            detected_tier=classification.tier,
            route_health=svc.registry.health(),
            today=dt.datetime.now(dt.UTC).date(),
        ),
        loaded.policy,
        loaded.version,
    )
    return {
        "object": "route.explanation",
        "decision": decision_summary(decision),
        "classification": {
            "tier": classification.tier.value,
            "entity_counts": classification.entity_counts(),
            "has_health_information": classification.has_health_information,
            "reasons": list(classification.reasons),  # types and categories, never values
        },
        "routes": _routes_reached(decision, loaded.policy),
    }


@router.get("/policy/warnings", responses=error_responses(401, 431))
async def list_policy_warnings(svc: ServicesDep, _who: PrincipalDep) -> dict[str, Any]:
    loaded = svc.policies.current
    found = policy_warnings(loaded.policy, dt.datetime.now(dt.UTC).date())
    return {
        "object": "list",
        "policy_version": loaded.version,
        "data": [warning.as_dict() for warning in found],
    }


def _classify(svc: Services, body: dict[str, Any], caller: str) -> Classification:
    body = {key: value for key, value in body.items() if key != "workload"}
    try:
        return svc.classifier.classify_chat(body, partition=caller)
    except ClassificationRejected:
        raise
    except Exception as error:  # noqa: BLE001 - fail closed, as the request path does
        log.error("classification failed while explaining (%s)", type(error).__name__)
        raise ClassificationFailed("The request could not be classified.") from None


def _routes_reached(decision: Decision, policy: Policy) -> list[dict[str, Any]]:
    """Where the request could go, in order: boundary and BAA, never credentials."""
    described = []
    for name in decision.permitted_routes:
        route = policy.routes[name]
        described.append(
            {
                "name": name,
                "kind": route.kind.value,
                "model": route.model,
                "data_boundary": route.data_boundary.value,
                "baa": route.baa.agreement_id if route.baa else None,
                "baa_expires": route.baa.expires.isoformat()
                if route.baa and route.baa.expires
                else None,
                "zero_data_retention": route.zero_data_retention,
            }
        )
    return described
