"""The decision on examples; the invariants over generated policies live in test_invariants."""

from __future__ import annotations

import datetime as dt

from router.identity.principal import Principal, PrincipalKind
from router.policy.decision import Facts, Outcome, decide
from router.policy.loader import load_policy
from router.policy.model import Capability, Policy
from router.tiers import Tier
from tests.conftest import DEFAULT_POLICY

TODAY = dt.date(2026, 11, 22)


def _enabled_default() -> Policy:
    policy = load_policy(DEFAULT_POLICY).policy
    routes = {
        name: route.model_copy(update={"enabled": True}) for name, route in policy.routes.items()
    }
    return policy.model_copy(update={"routes": routes})


def _facts(workload: str, detected: Tier = Tier.NON_PHI, **health: bool) -> Facts:
    key = Principal(
        kind=PrincipalKind.API_KEY, subject="k", key_id="srk_1", workloads=frozenset({workload})
    )
    everything_up = {
        name: True
        for name in ("local-smollm2", "claude-bedrock", "claude-anthropic", "claude-vertex")
    }
    return Facts(
        decision_id="dec_1",
        principal=key,
        workload=workload,
        requested_model="chat",
        capability=Capability.CHAT,
        detected_tier=detected,
        route_health={**everything_up, **{k.replace("_", "-"): v for k, v in health.items()}},
        today=TODAY,
    )


def test_non_phi_goes_to_claude_first() -> None:
    decision = decide(_facts("general"), _enabled_default(), "v1")
    assert decision.outcome is Outcome.ROUTE and decision.route == "claude-anthropic"
    assert decision.fallbacks == ("claude-bedrock", "claude-vertex", "local-smollm2")


def test_detected_phi_raises_the_tier_and_keeps_it_local() -> None:
    decision = decide(_facts("general", Tier.PHI_HEAVY), _enabled_default(), "v1")
    assert decision.route == "local-smollm2" and decision.effective_tier is Tier.PHI_HEAVY
    assert decision.fallbacks == ()


def test_phi_heavy_with_the_local_model_down_is_refused_not_sent_out() -> None:
    decision = decide(_facts("clinical", local_smollm2=False), _enabled_default(), "v1")
    assert decision.outcome is Outcome.REFUSE and decision.status_code == 503
    assert decision.route is None and "none_healthy" in decision.rule


def test_an_expired_baa_is_no_baa() -> None:
    policy = _enabled_default()
    expired = {
        name: route.model_copy(
            update={"baa": route.baa.model_copy(update={"expires": dt.date(2026, 1, 2)})}
        )
        if route.baa
        else route
        for name, route in policy.routes.items()
    }
    decision = decide(
        _facts("member-services", Tier.SOMETIMES_PHI),
        policy.model_copy(update={"routes": expired}),
        "v1",
    )
    assert decision.route == "local-smollm2" and decision.fallbacks == ()


def test_sometimes_phi_is_deidentified_when_it_leaves() -> None:
    decision = decide(_facts("member-services", Tier.SOMETIMES_PHI), _enabled_default(), "v1")
    assert decision.route == "claude-bedrock" and decision.deidentify


def test_a_key_outside_the_workload_is_denied() -> None:
    key = Principal(
        kind=PrincipalKind.API_KEY, subject="k", key_id="srk_1", workloads=frozenset({"general"})
    )
    denied = decide(
        Facts(
            decision_id="d",
            principal=key,
            workload="clinical",
            requested_model="chat",
            capability=Capability.CHAT,
            detected_tier=Tier.NON_PHI,
            route_health={},
            today=TODAY,
        ),
        _enabled_default(),
        "v1",
    )
    assert denied.outcome is Outcome.DENY and denied.status_code == 403
