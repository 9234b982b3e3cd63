"""A known mix of audit records, written through the real chained trail, for the figures."""

from __future__ import annotations

import dataclasses
import datetime as dt

from router.audit.keyring import KeyRing
from router.storage.db import Database
from router.tiers import Tier
from tests.audit.records import closing, opening, trail

# 2026-11-10 .. 2026-11-12, UTC: the window the query tests ask about.
DAY_ONE = dt.datetime(2026, 11, 10, 9, 30, tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class Seed:
    request_id: str
    at: dt.datetime
    workload: str
    tier: Tier
    outcome: str
    route: str | None
    rule: str
    entities: dict[str, int]
    deidentified: bool = False


SEEDS = (
    Seed("r1", DAY_ONE, "general", Tier.NON_PHI, "route", "local", "tier-route", {}),
    Seed("r2", DAY_ONE, "general", Tier.NON_PHI, "route", "claude", "tier-route", {}),
    Seed(
        "r3",
        DAY_ONE + dt.timedelta(hours=2),
        "clinical",
        Tier.PHI_HEAVY,
        "route",
        "local",
        "tier-route",
        {"NAME": 2, "MRN": 1},
    ),
    Seed(
        "r4",
        DAY_ONE + dt.timedelta(days=1),
        "clinical",
        Tier.SOMETIMES_PHI,
        "refuse",
        None,
        "tier.no_route",
        {"NAME": 1},
    ),
    Seed(
        "r5",
        DAY_ONE + dt.timedelta(days=1),
        "general",
        Tier.NON_PHI,
        "deny",
        None,
        "workload.groups",
        {},
    ),
    Seed(
        "r6",
        DAY_ONE + dt.timedelta(days=1, hours=1),
        "clinical",
        Tier.PHI_HEAVY,
        "route",
        "local",
        "tier-route",
        {"DATE": 3, "NAME": 1},
        deidentified=True,
    ),
    # Outside the window: must never be counted.
    Seed(
        "old",
        DAY_ONE - dt.timedelta(days=5),
        "general",
        Tier.NON_PHI,
        "route",
        "local",
        "tier-route",
        {"NAME": 7},
    ),
)


async def write_seeds(database: Database, ring: KeyRing) -> None:
    chained = trail(database, ring)
    for seed in SEEDS:
        base = opening(seed.request_id, workload=seed.workload, route=seed.route or "local")
        await chained.open(
            dataclasses.replace(
                base,
                received_at=seed.at,
                effective_tier=seed.tier,
                detected_tier=seed.tier,
                outcome=seed.outcome,
                route=seed.route,
                rule=seed.rule,
                entity_counts=seed.entities,
                deidentified=seed.deidentified,
            )
        )
        if seed.outcome == "route":
            await chained.close(seed.request_id, closing(route=seed.route or "local"))
    await chained.aclose()
