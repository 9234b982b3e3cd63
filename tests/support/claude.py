"""Policies that enable Claude routes pointed at the local fake vendors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.policies import write_policy

ACTIVE_BAA = {"agreement_id": "BAA-TEST-1", "signed": "2020-01-01", "expires": "2099-12-31"}
EXPIRED_BAA = {"agreement_id": "BAA-TEST-OLD", "signed": "2019-01-01", "expires": "2020-12-31"}
REGIONS = {"bedrock": "us-east-1", "vertex_ai": "us-east5"}


def claude_route(kind: str, model: str, url: str, **extra: Any) -> dict[str, Any]:
    route: dict[str, Any] = {
        "kind": kind,
        "model": model,
        "endpoints": [url],
        "data_boundary": "vendor" if kind == "anthropic" else "customer_cloud",
        "baa": ACTIVE_BAA,
        "zero_data_retention": True,
    }
    if kind in REGIONS:
        route["region"] = REGIONS[kind]
    route.update(extra)
    return route


def claude_policy(
    directory: Path,
    claude_routes: dict[str, dict[str, Any]],
    local_url: str | None,
    sometimes_phi: list[str] | None = None,
) -> Path:
    """The three workloads of the default policy; every tier lists the Claude routes first and
    the local route (the OpenAI-compatible fake, model `ok`) last, phi_heavy included: the
    decision, not this list, keeps PHI-heavy requests on premises."""
    routes = dict(claude_routes)
    local = ["local"] if local_url else []
    if local_url:
        routes["local"] = {
            "kind": "openai_compatible",
            "model": "ok",
            "endpoints": [local_url],
            "data_boundary": "on_prem",
        }
    ordered = [*claude_routes, *local]
    return write_policy(
        directory,
        routes=routes,
        models={"chat": {"routes": ordered}},
        workloads={
            "general": {"tier": "non_phi", "models": ["chat"]},
            "member-services": {"tier": "sometimes_phi", "models": ["chat"], "deidentify": True},
            "clinical": {"tier": "phi_heavy", "models": ["chat"]},
        },
        tiers={
            "non_phi": ordered,
            "sometimes_phi": sometimes_phi if sometimes_phi is not None else ordered,
            "phi_heavy": ordered,
        },
    )
