"""Who may use a workload: groups, MFA on PHI tiers, service accounts only where granted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from router.identity.principal import Principal, PrincipalKind
from router.policy.decision import Facts, Outcome, decide
from router.policy.model import Capability, Policy
from router.tiers import Tier

ROUTE = {"kind": "openai_compatible", "model": "m", "endpoints": ["http://x/v1"]}


def _policy(principals: dict[str, Any], tier: str = "phi_heavy", **extra: Any) -> Policy:
    return Policy.model_validate(
        {
            "routes": {"local": {**ROUTE, "data_boundary": "on_prem"}},
            "models": {"chat": {"routes": ["local"]}},
            "workloads": {"w": {"tier": tier, "models": ["chat"], "principals": principals}},
            "tiers": {t.value: ["local"] for t in Tier},
            **extra,
        }
    )


def _person(
    groups: tuple[str, ...] = (),
    amr: tuple[str, ...] = (),
    acr: str = "",
    roles: tuple[str, ...] = (),
) -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        subject="u",
        groups=frozenset(groups),
        roles=frozenset(roles),
        authentication_methods=frozenset(amr),
        authentication_context=acr,
    )


SERVICE = Principal(kind=PrincipalKind.SERVICE_ACCOUNT, subject="client-1")


def _decide(principal: Principal, policy: Policy, detected: Tier = Tier.NON_PHI) -> tuple[str, str]:
    decision = decide(
        Facts(
            decision_id="dec_1",
            principal=principal,
            workload="w",
            requested_model="chat",
            capability=Capability.CHAT,
            detected_tier=detected,
            route_health={"local": True},
            today=dt.date(2026, 11, 22),
        ),
        policy,
        "v1",
    )
    if decision.outcome is Outcome.DENY:
        assert decision.status_code == 403
    return decision.outcome.value, decision.rule


def test_a_workload_can_require_a_group_or_role() -> None:
    policy = _policy({"groups": ["clinicians"]}, tier="non_phi")
    assert _decide(_person(groups=("staff",)), policy) == ("deny", "workload.groups")
    assert _decide(_person(groups=("clinicians",)), policy)[0] == "route"
    assert _decide(_person(roles=("clinicians",)), policy)[0] == "route"


def test_phi_tiers_require_mfa_by_default() -> None:
    policy = _policy({})
    assert _decide(_person(amr=("pwd",)), policy) == ("deny", "workload.mfa")
    assert _decide(_person(amr=("pwd", "otp")), policy)[0] == "route"


def test_the_policy_names_the_values_that_count_as_mfa() -> None:
    policy = _policy({}, mfa_values=["urn:hospital:aal2"])
    assert _decide(_person(amr=("mfa",)), policy) == ("deny", "workload.mfa")
    assert _decide(_person(acr="urn:hospital:aal2"), policy)[0] == "route"


def test_detected_phi_brings_the_mfa_requirement_to_a_non_phi_workload() -> None:
    policy = _policy({}, tier="non_phi")
    assert _decide(_person(), policy)[0] == "route"
    assert _decide(_person(), policy, Tier.SOMETIMES_PHI) == ("deny", "workload.mfa")


def test_mfa_can_be_required_without_phi_or_waived() -> None:
    assert _decide(_person(), _policy({"require_mfa": True}, tier="non_phi"))[1] == "workload.mfa"
    assert _decide(_person(), _policy({"require_mfa": False}))[0] == "route"


@pytest.mark.parametrize("tier", ["sometimes_phi", "phi_heavy"])
def test_service_accounts_need_an_explicit_grant_for_phi(tier: str) -> None:
    assert _decide(SERVICE, _policy({}, tier=tier)) == ("deny", "workload.service_accounts")
    assert _decide(SERVICE, _policy({"service_accounts": True}, tier=tier))[0] == "route"


def test_service_accounts_on_non_phi_need_no_grant_but_do_need_the_group() -> None:
    assert _decide(SERVICE, _policy({}, tier="non_phi"))[0] == "route"
    grouped = _policy({"groups": ["sync-jobs"], "service_accounts": True})
    assert _decide(SERVICE, grouped) == ("deny", "workload.groups")
