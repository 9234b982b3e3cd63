"""Build audit openings and closings, and chained trails over real databases, for tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from router.audit.chained_trail import ChainedAuditTrail
from router.audit.config import AuditSettings
from router.audit.keyring import KeyRing, load_key_ring
from router.audit.record import AuditClosing, AuditOpening
from router.identity.principal import Principal, PrincipalKind
from router.storage.db import Database
from router.tiers import Tier


def opening(
    request_id: str,
    *,
    workload: str = "general",
    body: bytes = b'{"messages":[{"role":"user","content":"hello"}]}',
    route: str = "local",
    outcome: str = "route",
    subject: str = "app-1",
    received_at: dt.datetime | None = None,
) -> AuditOpening:
    return AuditOpening(
        request_id=request_id,
        decision_id=f"dec-{request_id}",
        received_at=received_at or dt.datetime.now(dt.UTC),
        principal=Principal(kind=PrincipalKind.API_KEY, subject=subject, key_id="srk_test"),
        client_ip="127.0.0.1",
        user_agent="pytest",
        endpoint="chat",
        workload=workload,
        declared_tier=Tier.NON_PHI,
        detected_tier=Tier.NON_PHI,
        effective_tier=Tier.NON_PHI,
        entity_counts={"NAME": 1},
        outcome=outcome,
        route=route,
        rule="tier-route",
        policy_version="v1",
        reason="test",
        logical_model="chat",
        upstream_model="smol",
        deidentified=False,
        request_body=body,
    )


def closing(
    body: bytes = b'{"choices":[]}', status: int = 200, route: str = "local"
) -> AuditClosing:
    return AuditClosing(
        status_code=status,
        completed_at=dt.datetime.now(dt.UTC),
        route=route,
        prompt_tokens=3,
        completion_tokens=5,
        response_body=body,
    )


def dev_ring(data_dir: Path) -> KeyRing:
    return load_key_ring(AuditSettings(), data_dir, "development")


def trail(database: Database, ring: KeyRing, *, batched: bool = True) -> ChainedAuditTrail:
    return ChainedAuditTrail(database, ring, AuditSettings(), batched=batched)


async def write_records(
    database: Database, ring: KeyRing, count: int, prefix: str = "req"
) -> list[str]:
    """`count` complete records (open then close), one after the other."""
    chained = trail(database, ring)
    ids = [f"{prefix}-{index}" for index in range(count)]
    for request_id in ids:
        await chained.open(opening(request_id))
        await chained.close(request_id, closing())
    await chained.aclose()
    return ids
