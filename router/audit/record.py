"""What the request path tells the audit trail, in two steps: before and after the model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from router.identity.principal import Principal
from router.tiers import Tier


@dataclass(frozen=True, slots=True)
class AuditOpening:
    """Known before forwarding; must be committed before any backend is called."""

    request_id: str
    decision_id: str
    received_at: dt.datetime
    principal: Principal
    client_ip: str
    user_agent: str
    endpoint: str
    workload: str
    declared_tier: Tier | None
    detected_tier: Tier
    effective_tier: Tier
    entity_counts: dict[str, int]
    outcome: str
    route: str | None
    rule: str
    policy_version: str
    reason: str
    logical_model: str
    upstream_model: str | None
    deidentified: bool
    request_body: bytes = field(repr=False)  # as sent upstream (after de-identification)


@dataclass(frozen=True, slots=True)
class AuditClosing:
    """Known when the response has ended, however it ended."""

    status_code: int
    completed_at: dt.datetime
    route: str | None = None  # the route that finally answered (after any fallback)
    error_class: str | None = None
    forwarded_at: dt.datetime | None = None
    first_token_at: dt.datetime | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    router_ms: float | None = None
    upstream_ms: float | None = None
    total_ms: float | None = None
    response_body: bytes = field(default=b"", repr=False)  # as received (before re-identification)
