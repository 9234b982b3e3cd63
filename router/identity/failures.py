"""Failed authentications: one audit record and one metric increment each, no credential.

The record names the mechanism and a bounded reason (`expired`, `unknown_api_key`, ...), the
client address and, for a well-formed API key, its public id (`srk_<12 hex>`), which is what
an operator needs to see a key being guessed at or used after revocation. Nothing of a token
or secret is kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

from starlette.requests import Request

from router.audit.record import AuditClosing, AuditOpening
from router.audit.trail import AuditTrail
from router.context import new_request_id
from router.errors import RouterError
from router.identity.api_keys import split_key
from router.identity.principal import Principal, PrincipalKind
from router.metrics import Metrics
from router.tiers import Tier

_KEY_ID = re.compile(r"srk_[0-9a-f]{12}")
OUTCOME = "unauthenticated"


def presented_key_id(credential: str) -> str | None:
    """The public id of a well-formed API key, or None (never any other part of it)."""
    parts = split_key(credential)
    if parts is None or not _KEY_ID.fullmatch(parts[0]):
        return None
    return parts[0]


class FailureRecorder:
    def __init__(self, audit: AuditTrail, metrics: Metrics) -> None:
        self._audit = audit
        self._metrics = metrics

    async def record(
        self, request: Request, mechanism: str, reason: str, key_id: str | None
    ) -> None:
        self._metrics.authentication_failures.labels(mechanism, reason).inc()
        opening = _opening(request, mechanism, reason, key_id)
        try:
            await self._audit.open(opening)
            await self._audit.close(
                opening.request_id,
                AuditClosing(status_code=401, completed_at=dt.datetime.now(dt.UTC)),
            )
        except RouterError:
            # The caller is refused either way; the metric above still counts the failure.
            logging.getLogger(__name__).error("a failed authentication could not be audited")


def _opening(request: Request, mechanism: str, reason: str, key_id: str | None) -> AuditOpening:
    principal = Principal(
        kind=PrincipalKind.ANONYMOUS,
        subject=f"api-key:{key_id}" if key_id else "unauthenticated",
        key_id=key_id,
    )
    rule = f"authentication.{mechanism}.{reason}"
    # Nothing was read or classified; the tiers say so by being the lowest, and the outcome
    # and rule say why.
    return AuditOpening(
        request_id=new_request_id(),
        decision_id=f"auth_{uuid.uuid4().hex}",
        received_at=dt.datetime.now(dt.UTC),
        principal=principal,
        client_ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", "")[:200],
        endpoint=request.url.path[:100],
        workload="",
        declared_tier=None,
        detected_tier=Tier.NON_PHI,
        effective_tier=Tier.NON_PHI,
        entity_counts={},
        outcome=OUTCOME,
        route=None,
        rule=rule,
        policy_version="",
        reason=f"Authentication failed ({mechanism}: {reason}).",
        logical_model="",
        upstream_model=None,
        deidentified=False,
        request_body=b"",
    )
