"""The invariants of DESIGN.md, checked over generated policies and requests.

Each property is stated here from the design, independently of `decision.py`'s helpers, so that
a bug there cannot hide by being reused by its own test.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from router.policy.decision import AUTO_MODEL, Decision, Facts, Outcome, decide
from router.policy.model import DataBoundary, Policy, Route
from router.tiers import Tier
from tests.policy.strategies import Case, cases

# About 12 ms an example, mostly generation: 1,000 key examples and 150 for each secondary
# property keep the module near 20 s on a 2-core machine.
KEY_PROPERTY = settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _decide(case: Case) -> Decision:
    return decide(case.facts, case.policy, "sha256:test")


def _routes_reached(decision: Decision, policy: Policy) -> list[tuple[str, Route]]:
    """Every route the request may ever be sent to: the choice and all its fallbacks."""
    return [(name, policy.routes[name]) for name in decision.permitted_routes]


def _may_carry(route: Route, tier: Tier, facts: Facts) -> bool:
    """The design's rule, written out: enabled, able, and inside the tier's boundary."""
    if not route.enabled or facts.capability not in route.capabilities:
        return False
    if route.data_boundary is DataBoundary.ON_PREM:
        return True
    if tier is Tier.PHI_HEAVY:
        return False
    if tier is Tier.NON_PHI:
        return True
    baa = route.baa
    return (
        baa is not None
        and baa.signed <= facts.today
        and (baa.expires is None or facts.today <= baa.expires)
    )


def _model_routes(case: Case) -> set[str]:
    policy, facts = case.policy, case.facts
    names = (
        policy.workloads[facts.workload].models
        if facts.requested_model == AUTO_MODEL
        else (facts.requested_model,)
    )
    return {route for name in names for route in policy.models[name].routes}


def check_phi_heavy_never_leaves_the_premises(case: Case, decision: Decision) -> None:
    if decision.effective_tier is Tier.PHI_HEAVY:
        for name, route in _routes_reached(decision, case.policy):
            assert route.data_boundary is DataBoundary.ON_PREM, f"phi_heavy sent off-prem: {name}"


def check_phi_never_leaves_without_an_active_baa(case: Case, decision: Decision) -> None:
    today = case.facts.today
    if not decision.effective_tier.carries_phi:
        return
    for name, route in _routes_reached(decision, case.policy):
        if route.data_boundary is not DataBoundary.ON_PREM:
            assert route.baa is not None, f"PHI off-prem without a BAA: {name}"
            assert route.baa.signed <= today, f"PHI off-prem before the BAA is signed: {name}"
            assert route.baa.expires is None or today <= route.baa.expires, (
                f"PHI off-prem on an expired BAA: {name}"
            )


def check_detected_phi_is_deidentified_or_stays_local(case: Case, decision: Decision) -> None:
    workload = case.policy.workloads.get(case.facts.workload)
    demanded = workload is not None and workload.deidentify
    if demanded and case.facts.detected_tier.carries_phi and not decision.deidentify:
        for name, route in _routes_reached(decision, case.policy):
            assert route.data_boundary is DataBoundary.ON_PREM, f"PHI sent raw off-prem: {name}"


def check_every_route_reached_is_permitted(case: Case, decision: Decision) -> None:
    """Fallbacks included: a failure moves the request sideways, never down."""
    tier_routes = case.policy.tiers.get(decision.effective_tier, ())
    reached = _routes_reached(decision, case.policy)
    for name, route in reached:
        assert _may_carry(route, decision.effective_tier, case.facts), f"not permitted: {name}"
        assert case.facts.route_health.get(name) is True, f"not healthy: {name}"
        assert name in tier_routes, f"not in the {decision.effective_tier} rules: {name}"
        assert name in _model_routes(case), f"does not serve the model: {name}"
    names = [name for name, _ in reached]
    assert len(names) == len(set(names)), f"a route is listed twice: {names}"


def check_no_permitted_healthy_route_means_refusal(case: Case, decision: Decision) -> None:
    if decision.rule == "model.endpoint_unsupported":
        # Only when no route of the model, enabled or not, could ever serve the endpoint.
        assert decision.status_code == 400 and decision.route is None
        serving = [
            name
            for name in _model_routes(case)
            if case.facts.capability in case.policy.routes[name].capabilities
        ]
        assert serving == [], f"called unsupported while {serving} serve the endpoint"
        return
    if decision.outcome not in (Outcome.ROUTE, Outcome.REFUSE):
        return
    facts = case.facts
    candidates = [
        name
        for name in case.policy.tiers.get(decision.effective_tier, ())
        if name in _model_routes(case)
        and facts.route_health.get(name) is True
        and _may_carry(case.policy.routes[name], decision.effective_tier, facts)
    ]
    if not candidates:
        assert decision.outcome is Outcome.REFUSE, "routed with no permitted healthy route"
        assert decision.status_code == 503 and decision.route is None and not decision.fallbacks
    else:
        assert decision.outcome is Outcome.ROUTE, f"refused with {candidates} available"
        assert decision.route == candidates[0], "not the first permitted healthy route"
        # The rule names the route's place in the policy file's tier list.
        tier_list = case.policy.tiers[decision.effective_tier]
        assert decision.rule == f"tiers.{decision.effective_tier}[{tier_list.index(candidates[0])}]"


KEY_INVARIANTS = (
    check_phi_heavy_never_leaves_the_premises,
    check_phi_never_leaves_without_an_active_baa,
    check_detected_phi_is_deidentified_or_stays_local,
    check_every_route_reached_is_permitted,
    check_no_permitted_healthy_route_means_refusal,
)


@KEY_PROPERTY
@given(cases())
def test_the_key_invariants_hold_for_every_input(case: Case) -> None:
    """One generated input, every key invariant: generation is the expensive part."""
    decision = _decide(case)
    event(f"outcome: {decision.outcome}, fallbacks: {min(len(decision.fallbacks), 2)}")
    for check in KEY_INVARIANTS:
        check(case, decision)


@PROPERTY
@given(cases())
def test_the_effective_tier_is_never_below_declared_or_detected(case: Case) -> None:
    decision = _decide(case)
    assert decision.effective_tier.rank >= case.facts.detected_tier.rank
    assert decision.detected_tier is case.facts.detected_tier
    workload = case.policy.workloads.get(case.facts.workload)
    if workload is not None:
        assert decision.declared_tier is workload.tier
        assert decision.effective_tier is Tier.highest(workload.tier, case.facts.detected_tier)


@PROPERTY
@given(cases())
def test_decide_is_deterministic_and_consistent(case: Case) -> None:
    first, second = _decide(case), _decide(case)
    assert first == second
    assert first.decision_id == case.facts.decision_id
    assert first.policy_version == "sha256:test"
    assert first.reason and first.rule
    assert first.routed == (first.route is not None)
    expected_status = {Outcome.ROUTE: {200}, Outcome.DENY: {403}, Outcome.REFUSE: {503}}
    assert first.status_code in expected_status.get(first.outcome, {400, 404})


@PROPERTY
@given(cases())
def test_the_caller_is_checked_before_any_route(case: Case) -> None:
    decision = _decide(case)
    principal, facts = case.facts.principal, case.facts
    if facts.workload in case.policy.workloads and not principal.may_use_workload(facts.workload):
        assert decision.outcome is Outcome.DENY


@PROPERTY
@given(cases(), st.data())
def test_unhealthy_routes_never_widen_the_choice(case: Case, data: st.DataObject) -> None:
    """Marking routes down never opens a route the tier may not take, nor one that is down,
    and never turns a refusal into a route: it can only move the request further along its
    tier's list, or refuse it. (Further along, the choice may bring fallbacks the first choice
    could not: a route that de-identifies the body makes other routes safe to fall back to.)"""
    decision = _decide(case)
    down = data.draw(st.sets(st.sampled_from(sorted(case.policy.routes))))
    worse = {name: ok and name not in down for name, ok in case.facts.route_health.items()}
    degraded = decide(dataclasses.replace(case.facts, route_health=worse), case.policy, "test")
    if not decision.routed:
        assert not degraded.routed
        return
    if not degraded.routed:
        return
    tier = degraded.effective_tier
    assert tier is decision.effective_tier
    assert tier is not None
    for name, route in _routes_reached(degraded, case.policy):
        assert worse.get(name, False), name
        assert name in case.policy.tiers[tier], name
        assert _may_carry(route, tier, case.facts), name
