"""The metadata of each chain entry, as canonical JSON (the exact text the chain hashes).

Entity types and counts are kept, never values; bodies are never part of the payload.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from router.audit.record import AuditClosing, AuditOpening


def canonical_json(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def request_metadata(opening: AuditOpening) -> dict[str, Any]:
    """Where the request came from, how it was classified and what the policy decided.

    Shared by the chain payload, the index row and the export event, which must agree.
    """
    return {
        "client_ip": opening.client_ip,
        "user_agent": opening.user_agent[:300],
        "endpoint": opening.endpoint,
        "workload": opening.workload,
        "declared_tier": opening.declared_tier,
        "detected_tier": opening.detected_tier,
        "effective_tier": opening.effective_tier,
        # Sorted so that a flat export event lists entity types in a stable order.
        "entity_counts": dict(sorted(opening.entity_counts.items())),
        "outcome": opening.outcome,
    }


def route_metadata(opening: AuditOpening) -> dict[str, Any]:
    """Where the policy sent the request, under which rule, and to which model.

    Kept apart from `request_metadata` because the export event puts its
    `decided_route` between the two.
    """
    return {
        "route": opening.route,
        "rule": opening.rule,
        "policy_version": opening.policy_version,
        "reason": opening.reason,
        "logical_model": opening.logical_model,
        "upstream_model": opening.upstream_model,
        "deidentified": opening.deidentified,
    }


def opening_payload(opening: AuditOpening, recorded_at: dt.datetime) -> dict[str, Any]:
    principal = opening.principal
    return {
        "recorded_at": recorded_at.isoformat(),
        "request_id": opening.request_id,
        "decision_id": opening.decision_id,
        "received_at": opening.received_at.isoformat(),
        "principal": {
            "kind": principal.kind.value,
            "subject": principal.subject,
            "name": principal.name,
            "groups": sorted(principal.groups),
            "authentication_methods": sorted(principal.authentication_methods),
            "api_key_id": principal.key_id,
        },
        **request_metadata(opening),
        **route_metadata(opening),
    }


def closing_payload(
    request_id: str, closing: AuditClosing, recorded_at: dt.datetime
) -> dict[str, Any]:
    return {
        "recorded_at": recorded_at.isoformat(),
        "request_id": request_id,
        "status_code": closing.status_code,
        "completed_at": closing.completed_at.isoformat(),
        "route": closing.route,
        "error_class": closing.error_class,
        "forwarded_at": _iso(closing.forwarded_at),
        "first_token_at": _iso(closing.first_token_at),
        "prompt_tokens": closing.prompt_tokens,
        "completion_tokens": closing.completion_tokens,
        "router_ms": closing.router_ms,
        "upstream_ms": closing.upstream_ms,
        "total_ms": closing.total_ms,
    }


def index_row(opening: AuditOpening) -> dict[str, Any]:
    """The searchable `audit_records` row an opening creates."""
    principal = opening.principal
    return {
        "request_id": opening.request_id,
        "decision_id": opening.decision_id,
        "received_at": opening.received_at,
        "principal_kind": principal.kind.value,
        "principal_subject": principal.subject,
        "principal_name": principal.name,
        "api_key_id": principal.key_id,
        **request_metadata(opening),
        **route_metadata(opening),
    }


def index_update(closing: AuditClosing) -> dict[str, Any]:
    """The columns a closing fills in (the route only when one finally answered)."""
    values: dict[str, Any] = {
        "completed_at": closing.completed_at,
        "status_code": closing.status_code,
        "error_class": closing.error_class,
        "forwarded_at": closing.forwarded_at,
        "first_token_at": closing.first_token_at,
        "prompt_tokens": closing.prompt_tokens,
        "completion_tokens": closing.completion_tokens,
        "router_ms": closing.router_ms,
        "upstream_ms": closing.upstream_ms,
        "total_ms": closing.total_ms,
    }
    if closing.route:
        values["route"] = closing.route
    return values
