"""A decision as plain data, for `policy explain` and `POST /v1/route/explain`.

Only names from the policy, tiers and counts: never request content.
"""

from __future__ import annotations

from router.policy.decision import Decision


def decision_summary(decision: Decision) -> dict[str, object]:
    return {
        "decision_id": decision.decision_id,
        "outcome": decision.outcome.value,
        "route": decision.route,
        "fallbacks": list(decision.fallbacks),
        "rule": decision.rule,
        "reason": decision.reason,
        "status_code": decision.status_code,
        "policy_version": decision.policy_version,
        "logical_model": decision.logical_model,
        "declared_tier": decision.declared_tier.value if decision.declared_tier else None,
        "detected_tier": decision.detected_tier.value,
        "effective_tier": decision.effective_tier.value,
        "deidentify": decision.deidentify,
    }
