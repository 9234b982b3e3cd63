"""Write small policy directories for tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def write_policy(directory: Path, **sections: Any) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    document = {"apiVersion": "sovereign-router/v1", **sections}
    (directory / "policy.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return directory


def fake_routes_policy(directory: Path, endpoints: dict[str, list[str]]) -> Path:
    """One on-prem route per fake behaviour (route name = upstream model), one model each,
    all usable by the `general` (non_phi) workload, in the given order."""
    routes = {
        name: {
            "kind": "openai_compatible",
            "model": name,
            "endpoints": urls,
            "data_boundary": "on_prem",
        }
        for name, urls in endpoints.items()
    }
    models = {name: {"routes": [name]} for name in endpoints}
    models["failover"] = {"routes": list(endpoints)}
    return write_policy(
        directory,
        routes=routes,
        models=models,
        workloads={"general": {"tier": "non_phi", "models": list(models)}},
        tiers={tier: list(endpoints) for tier in ("non_phi", "sometimes_phi", "phi_heavy")},
    )
