"""The export event: one flat JSON object per audit record, metadata only.

No request or response body and no entity value ever enters an event: entity types and
counts are kept, as the record keeps them. The principal is the workforce member or
application that called (who did it), which is what a SIEM correlates on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from router.audit.payload import request_metadata, route_metadata
from router.audit.record import AuditClosing, AuditOpening

Event = dict[str, Any]

SCHEMA = "sovereign-router.audit/1"
COMPLETED = "request.completed"
INCOMPLETE = "request.incomplete"  # the router stopped before the response ended


def timestamp(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def build_event(
    request_id: str, opening: AuditOpening | None, closing: AuditClosing | None
) -> Event:
    """Opening and closing merged; either may be missing, and `complete` says which."""
    event: Event = {
        "schema": SCHEMA,
        "event_type": COMPLETED if closing is not None else INCOMPLETE,
        "complete": opening is not None and closing is not None,
        "request_id": request_id,
    }
    if opening is not None:
        event.update(_opening_fields(opening))
    if closing is not None:
        event.update(_closing_fields(closing, opening))
    event["time"] = event.get("completed_at") or event.get("received_at")
    return event


def _opening_fields(opening: AuditOpening) -> Event:
    principal = opening.principal
    return {
        "decision_id": opening.decision_id,
        "received_at": timestamp(opening.received_at),
        "principal_kind": principal.kind.value,
        "principal_subject": principal.subject,
        "principal_name": principal.name,
        "principal_issuer": principal.issuer,
        "principal_groups": sorted(principal.groups),
        "authentication_methods": sorted(principal.authentication_methods),
        "api_key_id": principal.key_id,
        **request_metadata(opening),
        # The closing's `route` (the one that finally answered) may replace the decided one.
        "decided_route": opening.route,
        **route_metadata(opening),
    }


def _closing_fields(closing: AuditClosing, opening: AuditOpening | None) -> Event:
    decided = opening.route if opening is not None else None
    return {
        "route": closing.route or decided,
        "status_code": closing.status_code,
        "error_class": closing.error_class,
        "forwarded_at": timestamp(closing.forwarded_at),
        "first_token_at": timestamp(closing.first_token_at),
        "completed_at": timestamp(closing.completed_at),
        "prompt_tokens": closing.prompt_tokens,
        "completion_tokens": closing.completion_tokens,
        "router_ms": _rounded(closing.router_ms),
        "upstream_ms": _rounded(closing.upstream_ms),
        "total_ms": _rounded(closing.total_ms),
    }


def _rounded(milliseconds: float | None) -> float | None:
    return None if milliseconds is None else round(milliseconds, 3)
