"""Governance warnings: BAAs expiring, expired, missing or not yet signed, retention, and
workloads that no route can serve."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from router.policy.governance import WarningCode, policy_warnings
from router.policy.loader import load_policy
from router.policy.model import Policy
from tests.conftest import DEFAULT_POLICY

TODAY = dt.date(2026, 11, 22)


def _policy(route: dict[str, Any], *, phi_tier: bool = True, tier: str = "non_phi") -> Policy:
    local = {"kind": "openai_compatible", "model": "m", "managed": True, "data_boundary": "on_prem"}
    return Policy.model_validate(
        {
            "routes": {"local": local, "out": route},
            "models": {"chat": {"routes": ["out", "local"]}},
            "workloads": {"app": {"tier": tier, "models": ["chat"]}},
            "tiers": {
                "non_phi": ["out", "local"],
                "sometimes_phi": ["out", "local"] if phi_tier else ["local"],
                "phi_heavy": ["local"],
            },
        }
    )


def _external(**changes: Any) -> dict[str, Any]:
    route = {
        "kind": "anthropic",
        "model": "claude",
        "data_boundary": "vendor",
        "zero_data_retention": True,
        "baa": {"agreement_id": "B-1", "signed": "2026-01-01", "expires": "2027-01-01"},
    }
    return {**route, **changes}


def _codes(policy: Policy, today: dt.date = TODAY) -> list[tuple[WarningCode, str]]:
    return [(w.code, w.subject) for w in policy_warnings(policy, today)]


def test_the_default_policy_has_no_warnings_while_claude_is_disabled() -> None:
    assert policy_warnings(load_policy(DEFAULT_POLICY).policy, TODAY) == []


def test_a_healthy_external_route_has_no_warnings() -> None:
    assert _codes(_policy(_external())) == []


@pytest.mark.parametrize(
    ("expires", "code"),
    [
        (TODAY + dt.timedelta(days=31), None),
        (TODAY + dt.timedelta(days=30), WarningCode.BAA_EXPIRING),
        (TODAY, WarningCode.BAA_EXPIRING),
        (TODAY - dt.timedelta(days=1), WarningCode.BAA_EXPIRED),
    ],
)
def test_baa_expiry_within_thirty_days(expires: dt.date, code: WarningCode | None) -> None:
    baa = {"agreement_id": "B-1", "signed": "2026-01-01", "expires": expires.isoformat()}
    found = _codes(_policy(_external(baa=baa)))
    assert found == ([(code, "routes.out")] if code else [])


def test_a_missing_or_future_baa_and_retention_are_reported() -> None:
    assert _codes(_policy(_external(baa=None))) == [(WarningCode.BAA_MISSING, "routes.out")]
    future = {"agreement_id": "B-1", "signed": "2027-01-01"}
    assert _codes(_policy(_external(baa=future))) == [
        (WarningCode.BAA_NOT_YET_SIGNED, "routes.out")
    ]
    assert _codes(_policy(_external(zero_data_retention=False))) == [
        (WarningCode.ZERO_DATA_RETENTION_OFF, "routes.out")
    ]
    # Retention matters only where PHI may go: a route only non_phi uses is not reported.
    assert _codes(_policy(_external(zero_data_retention=False), phi_tier=False)) == []


def test_disabled_and_on_premises_routes_are_not_reported() -> None:
    assert _codes(_policy(_external(baa=None, enabled=False))) == []
    on_prem = _external(kind="openai_compatible", endpoints=["http://x"], data_boundary="on_prem")
    assert _codes(_policy({**on_prem, "baa": None, "zero_data_retention": False})) == []


def test_a_workload_no_route_can_serve_is_reported() -> None:
    policy = _policy(_external(), tier="sometimes_phi")
    local_off = policy.routes["local"].model_copy(update={"enabled": False})
    broken = policy.model_copy(update={"routes": {**policy.routes, "local": local_off}})
    warnings = policy_warnings(broken, TODAY)
    assert [(w.code, w.subject) for w in warnings] == [
        (WarningCode.WORKLOAD_UNROUTABLE, "workloads.app")
    ]
    assert "phi_heavy" in warnings[0].message and "sometimes_phi" not in warnings[0].message
