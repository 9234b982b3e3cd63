"""Warnings for the privacy officer: what in a valid policy needs attention soon.

A policy can be valid and still be about to fail closed (a BAA that expires next week) or be
weaker than intended (an external route without zero data retention in a PHI tier). These
warnings never change a decision; `policy check`, the start-up log, reloads and
`GET /v1/policy/warnings` report them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum

from router.policy.model import Policy, Route
from router.tiers import Tier

EXPIRY_NOTICE_DAYS = 30

log = logging.getLogger(__name__)


class WarningCode(StrEnum):
    BAA_EXPIRED = "baa_expired"
    BAA_EXPIRING = "baa_expiring"
    BAA_NOT_YET_SIGNED = "baa_not_yet_signed"
    BAA_MISSING = "baa_missing"
    ZERO_DATA_RETENTION_OFF = "zero_data_retention_off"
    WORKLOAD_UNROUTABLE = "workload_unroutable"


@dataclass(frozen=True, slots=True)
class PolicyWarning:
    code: WarningCode
    subject: str  # `routes.<name>` or `workloads.<name>`: where to look in the policy
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "subject": self.subject, "message": self.message}

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


def policy_warnings(policy: Policy, today: dt.date) -> list[PolicyWarning]:
    """Every warning for `policy` on `today`, routes first, in policy order."""
    found: list[PolicyWarning] = []
    phi_routes = {name for tier in Tier if tier.carries_phi for name in policy.tiers.get(tier, ())}
    for name, route in policy.routes.items():
        if route.enabled and not route.is_on_prem:
            found += _baa_warnings(name, route, today)
            if name in phi_routes and not route.zero_data_retention:
                found.append(
                    PolicyWarning(
                        WarningCode.ZERO_DATA_RETENTION_OFF,
                        f"routes.{name}",
                        "zero_data_retention is false on an external route a PHI tier may use",
                    )
                )
    for name in policy.workloads:
        found += _unroutable(policy, name, today)
    return found


def log_policy_warnings(policy: Policy, version: str, today: dt.date) -> list[PolicyWarning]:
    """Log each warning once (names from the policy only, never request content)."""
    found = policy_warnings(policy, today)
    for warning in found:
        log.warning("policy %s: %s [%s]", version, warning, warning.code.value)
    return found


def _baa_warnings(name: str, route: Route, today: dt.date) -> list[PolicyWarning]:
    subject = f"routes.{name}"
    baa = route.baa
    if baa is None:
        return [
            PolicyWarning(
                WarningCode.BAA_MISSING,
                subject,
                "enabled external route has no BAA: it may only carry non_phi data",
            )
        ]
    if baa.signed > today:
        return [
            PolicyWarning(
                WarningCode.BAA_NOT_YET_SIGNED,
                subject,
                f"BAA {baa.agreement_id} takes effect on {baa.signed}; no PHI until then",
            )
        ]
    days = baa.days_to_expiry(today)
    if days is None or days > EXPIRY_NOTICE_DAYS:
        return []
    if days < 0:
        return [
            PolicyWarning(
                WarningCode.BAA_EXPIRED,
                subject,
                f"BAA {baa.agreement_id} expired on {baa.expires}; the route takes no PHI",
            )
        ]
    return [
        PolicyWarning(
            WarningCode.BAA_EXPIRING,
            subject,
            f"BAA {baa.agreement_id} expires on {baa.expires} (in {days} days)",
        )
    ]


def _unroutable(policy: Policy, name: str, today: dt.date) -> list[PolicyWarning]:
    """Tiers this workload's requests can reach (declared or raised) that no route may take."""
    workload = policy.workloads[name]
    model_routes = {route for model in workload.models for route in policy.models[model].routes}
    blocked = [
        tier
        for tier in Tier
        if tier.rank >= workload.tier.rank
        and not any(
            route in model_routes and _may_take(policy.routes[route], tier, today)
            for route in policy.tiers.get(tier, ())
        )
    ]
    if not blocked:
        return []
    tiers = ", ".join(tier.value for tier in blocked)
    return [
        PolicyWarning(
            WarningCode.WORKLOAD_UNROUTABLE,
            f"workloads.{name}",
            f"no enabled route of its models may take {tiers} data: such requests are refused",
        )
    ]


def _may_take(route: Route, tier: Tier, today: dt.date) -> bool:
    if not route.enabled:
        return False
    if route.is_on_prem or not tier.carries_phi:
        return True
    return tier is not Tier.PHI_HEAVY and route.baa_active_on(today)
