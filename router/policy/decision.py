"""The routing decision: a pure function of the facts and the policy, with no I/O.

This is where the invariants live (see DESIGN.md):
1. an effective `phi_heavy` request only goes to an `on_prem` route;
2. a request carrying PHI never goes off premises without an active BAA on the request day;
3. no permitted healthy route means a refusal, never a step down to a less protected route.
Everything else here (authorisation, model resolution) can only narrow the permitted set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from router.identity.principal import Principal, PrincipalKind
from router.policy.model import Capability, Policy, Route, Workload
from router.tiers import Tier

AUTO_MODEL = "auto"


class Outcome(StrEnum):
    ROUTE = "route"
    DENY = "deny"  # 403: the caller may not do this
    REFUSE = "refuse"  # 503: allowed, but no permitted route can take it now
    INVALID = "invalid"  # 400/404: the request names something the policy does not have


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the decision depends on, gathered by the stages before it."""

    decision_id: str
    principal: Principal
    workload: str
    requested_model: str
    capability: Capability
    detected_tier: Tier
    route_health: Mapping[str, bool]
    today: dt.date


@dataclass(frozen=True, slots=True)
class Decision:
    decision_id: str
    outcome: Outcome
    rule: str
    reason: str
    policy_version: str
    effective_tier: Tier
    detected_tier: Tier
    declared_tier: Tier | None = None
    route: str | None = None
    fallbacks: tuple[str, ...] = ()
    logical_model: str | None = None
    deidentify: bool = False
    status_code: int = 200

    @property
    def routed(self) -> bool:
        return self.outcome is Outcome.ROUTE

    @property
    def permitted_routes(self) -> tuple[str, ...]:
        """The chosen route and its fallbacks: the only routes this request may ever reach."""
        return (self.route, *self.fallbacks) if self.route else ()


def decide(facts: Facts, policy: Policy, policy_version: str) -> Decision:
    """Choose a route for the request, or say why not."""
    verdict = _Verdict(facts, policy_version)
    workload = policy.workloads.get(facts.workload)
    if workload is None:
        # Caller-supplied names are never echoed: they could carry anything, PHI included.
        return verdict.invalid("workload.unknown", "The named workload does not exist.", 400)
    effective = Tier.highest(workload.tier, facts.detected_tier)
    verdict = _Verdict(facts, policy_version, workload.tier, effective)
    denial = _authorisation_denial(facts, policy, workload, effective, verdict)
    if denial is not None:
        return denial
    resolved = _resolve_model(facts, policy, workload, verdict)
    if isinstance(resolved, Decision):
        return resolved
    if not any(
        facts.capability in policy.routes[name].capabilities
        for name in resolved
        if name in policy.routes
    ):
        # A client error, not an outage: no route of the model could ever serve it.
        return verdict.invalid(
            "model.endpoint_unsupported",
            f"The model '{facts.requested_model}' does not serve this endpoint.",
            400,
        )
    candidates = _candidates(policy, effective, resolved)
    permitted = [name for name in candidates if _permitted(policy.routes[name], effective, facts)]
    if not permitted:
        return verdict.refuse(
            f"tiers.{effective}.none_permitted",
            f"No route in the policy may take {effective} data "
            f"for model '{facts.requested_model}'.",
        )
    healthy = [name for name in permitted if facts.route_health.get(name, False)]
    if not healthy:
        return verdict.refuse(
            f"tiers.{effective}.none_healthy",
            f"No permitted route for {effective} data is healthy "
            f"(permitted: {', '.join(permitted)}).",
        )
    chosen = policy.routes[healthy[0]]
    deidentify = _must_deidentify(workload, facts.detected_tier, chosen)
    # One outbound body serves every attempt, so a fallback that would need de-identification
    # is only allowed when the body is already de-identified.
    fallbacks = tuple(
        name
        for name in healthy[1:]
        if deidentify or not _must_deidentify(workload, facts.detected_tier, policy.routes[name])
    )
    return Decision(
        decision_id=facts.decision_id,
        outcome=Outcome.ROUTE,
        # The position in the policy file's tier list, so that a reader can find the rule.
        rule=f"tiers.{effective}[{policy.tiers[effective].index(healthy[0])}]",
        reason=_route_reason(healthy[0], chosen, effective, workload, facts.detected_tier),
        policy_version=policy_version,
        declared_tier=workload.tier,
        detected_tier=facts.detected_tier,
        effective_tier=effective,
        route=healthy[0],
        fallbacks=fallbacks,
        logical_model=facts.requested_model,
        deidentify=deidentify,
    )


def _permitted(route: Route, tier: Tier, facts: Facts) -> bool:
    if not route.enabled or facts.capability not in route.capabilities:
        return False
    if tier is Tier.PHI_HEAVY and not route.is_on_prem:
        return False
    return not (tier.carries_phi and not route.is_on_prem and not route.baa_active_on(facts.today))


def _candidates(policy: Policy, tier: Tier, model_routes: frozenset[str]) -> list[str]:
    """The tier's routes in the tier's order, narrowed to the routes serving the model.

    A route named twice in a tier list counts once, at its first place: otherwise it would
    appear again among its own fallbacks and a failing route would be retried as if it were
    another one.
    """
    ordered = dict.fromkeys(policy.tiers.get(tier, ()))
    return [name for name in ordered if name in model_routes]


def _resolve_model(
    facts: Facts, policy: Policy, workload: Workload, verdict: _Verdict
) -> frozenset[str] | Decision:
    if facts.requested_model == AUTO_MODEL:
        # `auto` lets the tier rules choose among every model the workload may call.
        return frozenset(
            route
            for model in workload.models
            if model in policy.models
            for route in policy.models[model].routes
        )
    if facts.requested_model not in policy.models:
        refusal = verdict.invalid("model.unknown", "The requested model does not exist.", 404)
        # Not kept as the model either: the caller's text would reach metric labels, the
        # audit index and SIEM events, and it could be anything, PHI included.
        return replace(refusal, logical_model=None)
    if facts.requested_model not in workload.models:
        return verdict.invalid(
            "model.not_in_workload",
            f"The model '{facts.requested_model}' is not available to workload '{facts.workload}'.",
            404,
        )
    return frozenset(policy.models[facts.requested_model].routes)


def _authorisation_denial(
    facts: Facts, policy: Policy, workload: Workload, effective: Tier, verdict: _Verdict
) -> Decision | None:
    principal = facts.principal
    allowed = workload.principals
    if not principal.may_use_workload(facts.workload):
        return verdict.deny(
            "principal.workload_scope", "This credential is not scoped to the workload."
        )
    if not principal.may_use_tier(effective):
        return verdict.deny(
            "principal.tier_scope", f"This credential may not send {effective} data."
        )
    if principal.kind is PrincipalKind.API_KEY:
        if allowed.api_keys != "any" and principal.key_id not in allowed.api_keys:
            return verdict.deny("workload.api_keys", "This API key is not allowed on the workload.")
        return None
    if allowed.groups and not (principal.groups | principal.roles) & set(allowed.groups):
        return verdict.deny("workload.groups", "You are not in a group allowed on this workload.")
    if principal.kind is PrincipalKind.SERVICE_ACCOUNT:
        if effective.carries_phi and not allowed.service_accounts:
            return verdict.deny(
                "workload.service_accounts",
                "Service accounts are not granted PHI on this workload.",
            )
        return None
    mfa_required = allowed.require_mfa if allowed.require_mfa is not None else effective.carries_phi
    if mfa_required and not principal.has_mfa(policy.mfa_values):
        return verdict.deny(
            "workload.mfa", "Multi-factor authentication is required for this data."
        )
    return None


def _must_deidentify(workload: Workload, detected: Tier, route: Route) -> bool:
    return workload.deidentify and detected.carries_phi and not route.is_on_prem


def _route_reason(
    name: str, route: Route, effective: Tier, workload: Workload, detected: Tier
) -> str:
    raised = " (raised by detected content)" if detected.rank > workload.tier.rank else ""
    boundary = route.data_boundary.value
    baa = f", BAA {route.baa.agreement_id}" if route.baa is not None else ""
    return f"{effective}{raised} data may use route '{name}' ({boundary}{baa})."


@dataclass(frozen=True, slots=True)
class _Verdict:
    """Builds the refusing decisions with the context known so far."""

    facts: Facts
    policy_version: str
    declared: Tier | None = None
    effective: Tier | None = None

    def _refusing(self, outcome: Outcome, rule: str, reason: str, status: int) -> Decision:
        return Decision(
            decision_id=self.facts.decision_id,
            outcome=outcome,
            rule=rule,
            reason=reason,
            policy_version=self.policy_version,
            declared_tier=self.declared,
            detected_tier=self.facts.detected_tier,
            effective_tier=self.effective or self.facts.detected_tier,
            logical_model=self.facts.requested_model,
            status_code=status,
        )

    def invalid(self, rule: str, reason: str, status: int) -> Decision:
        return self._refusing(Outcome.INVALID, rule, reason, status)

    def deny(self, rule: str, reason: str) -> Decision:
        return self._refusing(Outcome.DENY, rule, reason, 403)

    def refuse(self, rule: str, reason: str) -> Decision:
        return self._refusing(Outcome.REFUSE, rule, reason, 503)
