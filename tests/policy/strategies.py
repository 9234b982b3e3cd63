"""Hypothesis strategies: whole policies and the facts of one request against them.

Policies are generated from a small pool of names so that references collide often (a model
served by a disabled route, a tier list naming a route twice, a workload calling a model no
tier reaches). BAA dates are generated around the request day, so that agreements signed
today, expiring today, expired yesterday or signed tomorrow all come up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from router.identity.principal import Principal, PrincipalKind
from router.policy.decision import AUTO_MODEL, Facts
from router.policy.model import Capability, DataBoundary, Policy, RouteKind
from router.tiers import Tier

TODAY = dt.date(2026, 11, 22)
ROUTE_NAMES = ("r0", "r1", "r2", "r3", "r4")
MODEL_NAMES = ("m0", "m1", "m2")
WORKLOAD_NAMES = ("w0", "w1", "w2")
KEY_IDS = ("srk_a", "srk_b")
GROUPS = ("g1", "g2")
UNKNOWN = "not-in-policy"

# Offsets in days around the request day; the boundaries (-1, 0, 1) matter most.
_DAY_OFFSETS = st.sampled_from([-800, -400, -31, -30, -29, -2, -1, 0, 1, 2, 29, 30, 31, 400])


@st.composite
def baas(draw: st.DrawFn) -> dict[str, Any] | None:
    """Absent, active, expired, not yet signed, open-ended, or on a boundary day."""
    if draw(st.booleans()):
        return None
    signed = TODAY + dt.timedelta(days=draw(_DAY_OFFSETS))
    baa: dict[str, Any] = {
        "agreement_id": draw(st.sampled_from(["BAA-1", "BAA-2"])),
        "signed": signed,
    }
    if draw(st.integers(0, 4)):  # mostly with an expiry date
        later = TODAY + dt.timedelta(days=draw(_DAY_OFFSETS))
        baa["expires"] = max(signed, later)
    return baa


@st.composite
def routes(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(RouteKind)))
    boundary = draw(st.sampled_from([DataBoundary.ON_PREM, *DataBoundary]))
    route: dict[str, Any] = {
        "kind": kind.value,
        "model": "upstream-model",
        "data_boundary": boundary.value,
        "zero_data_retention": draw(st.booleans()),
        "enabled": draw(_mostly(True)),
        "capabilities": [
            c.value
            for c in draw(st.lists(st.sampled_from(list(Capability)), min_size=1, unique=True))
        ],
    }
    if draw(_mostly(True)):
        route["capabilities"] = sorted({*route["capabilities"], Capability.CHAT.value})
    local = kind is RouteKind.OPENAI_COMPATIBLE and boundary is DataBoundary.ON_PREM
    managed = local and draw(st.booleans())
    if managed:
        route["managed"] = True
    elif kind is RouteKind.OPENAI_COMPATIBLE or draw(st.booleans()):
        route["endpoints"] = ["http://127.0.0.1:9/v1"]
    baa = draw(baas())
    if baa is not None:
        route["baa"] = baa
    return route


def _mostly(value: bool) -> st.SearchStrategy[bool]:
    """`value` three times in four: most examples should get as far as choosing a route."""
    return st.sampled_from([value, value, value, not value])


def _mostly_from(usual: tuple[str, ...], unusual: tuple[str, ...]) -> st.SearchStrategy[str]:
    return _rarely(True).flatmap(lambda odd: st.sampled_from(unusual if odd else usual))


def _rarely(value: bool) -> st.SearchStrategy[bool]:
    """`value` one time in eight: for the conditions that stop a request early."""
    return st.sampled_from([not value] * 7 + [value])


def _ordered_routes(pool: tuple[str, ...], *, min_size: int) -> st.SearchStrategy[list[str]]:
    """Mostly every route in some order; sometimes a few, possibly one of them twice."""
    return st.one_of(
        st.permutations(pool).map(list),
        st.permutations(pool).map(list),
        st.lists(st.sampled_from(pool), min_size=min_size, max_size=len(pool) + 1),
    )


def _names_from(pool: tuple[str, ...], *, min_size: int = 1, unique: bool = True) -> Any:
    return st.lists(st.sampled_from(pool), min_size=min_size, max_size=len(pool), unique=unique)


@st.composite
def principals_sections(draw: st.DrawFn) -> dict[str, Any]:
    section: dict[str, Any] = {
        "groups": [] if draw(_mostly(True)) else draw(_names_from(GROUPS, min_size=0)),
        "service_accounts": draw(st.booleans()),
    }
    if draw(_rarely(True)):
        section["api_keys"] = draw(_names_from(KEY_IDS, min_size=0))
    mfa = draw(st.sampled_from([None, True, False]))
    if mfa is not None:
        section["require_mfa"] = mfa
    return section


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """A valid policy; every reference resolves (the loader rejects the rest)."""
    route_names = draw(_names_from(ROUTE_NAMES, min_size=2))
    model_names = draw(_names_from(MODEL_NAMES))
    route_pool = tuple(route_names)
    document: dict[str, Any] = {
        "routes": {name: draw(routes()) for name in route_names},
        "models": {
            name: {"routes": draw(_ordered_routes(route_pool, min_size=1))} for name in model_names
        },
        "workloads": {
            name: {
                "tier": draw(st.sampled_from(list(Tier))).value,
                "models": draw(_names_from(tuple(model_names))),
                "deidentify": draw(st.booleans()),
                "principals": draw(principals_sections()),
            }
            for name in draw(_names_from(WORKLOAD_NAMES))
        },
        "tiers": {
            tier.value: draw(_ordered_routes(route_pool, min_size=0))
            for tier in Tier
            if draw(_mostly(True))
        },
    }
    return Policy.model_validate(document)


@st.composite
def principals(draw: st.DrawFn, workload_names: tuple[str, ...]) -> Principal:
    kind = draw(st.sampled_from([PrincipalKind.API_KEY] * 3 + list(PrincipalKind)))
    scope = (
        draw(st.frozensets(st.sampled_from((*workload_names, UNKNOWN)), max_size=3))
        if draw(_rarely(True))
        else None
    )
    tiers = draw(st.frozensets(st.sampled_from(list(Tier)))) if draw(_rarely(True)) else None
    return Principal(
        kind=kind,
        subject="subject",
        key_id=draw(st.sampled_from(KEY_IDS)) if kind is PrincipalKind.API_KEY else None,
        groups=draw(st.frozensets(st.sampled_from(GROUPS))),
        authentication_methods=frozenset({"pwd", "mfa"} if draw(_mostly(True)) else {"pwd"}),
        workloads=scope,
        tiers=tiers,
    )


@dataclass(frozen=True)
class Case:
    """One generated input of `decide`."""

    policy: Policy
    facts: Facts


@st.composite
def cases(draw: st.DrawFn) -> Case:
    policy = draw(policies())
    workload_names = tuple(policy.workloads)
    # Mostly a known workload and a model it may call, so that most examples reach the route
    # choice; the rest exercise the refusals of unknown and forbidden names.
    workload = draw(_mostly_from(workload_names, (UNKNOWN,)))
    own_models = policy.workloads[workload].models if workload in policy.workloads else ()
    model = draw(_mostly_from((*own_models, AUTO_MODEL), (*policy.models, UNKNOWN)))
    # Mostly healthy, sometimes down, sometimes not reported at all (unknown counts as down).
    states = st.sampled_from([True, True, True, False, None])
    health = {
        name: state for name in (*policy.routes, UNKNOWN) if (state := draw(states)) is not None
    }
    facts = Facts(
        decision_id="dec_test",
        principal=draw(principals(workload_names)),
        workload=workload,
        requested_model=model,
        capability=draw(st.sampled_from([Capability.CHAT, *Capability])),
        detected_tier=draw(st.sampled_from(list(Tier))),
        route_health=health,
        today=TODAY,
    )
    return Case(policy, facts)
