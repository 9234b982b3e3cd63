"""Policy files: strictly validated, errors with file and line, the default policy loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.policy.loader import PolicyError, load_policy
from router.policy.store import PolicyStore
from tests.conftest import DEFAULT_POLICY


def test_the_default_policy_loads_with_the_three_workloads() -> None:
    loaded = load_policy(DEFAULT_POLICY)
    workloads = loaded.policy.workloads
    assert workloads["clinical"].tier == "phi_heavy"
    assert workloads["member-services"].tier == "sometimes_phi"
    assert workloads["general"].tier == "non_phi"
    assert loaded.version.startswith("sha256:")


def test_a_typo_is_refused_with_its_file_and_line(policy_copy: Path) -> None:
    routes = policy_copy / "routes.yaml"
    routes.write_text(
        routes.read_text().replace("    data_boundary: on_prem", "    data_boundry: on_prem")
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(policy_copy)
    problem = next(p for p in caught.value.problems if "data_boundry" in p)
    assert problem.startswith("routes.yaml:")
    line = int(problem.split(":")[1])
    assert "data_boundry" in routes.read_text().splitlines()[line - 1]


def test_a_name_defined_in_two_files_is_refused(policy_copy: Path) -> None:
    (policy_copy / "extra.yaml").write_text(
        "apiVersion: sovereign-router/v1\n"
        "workloads:\n  general:\n    tier: non_phi\n    models: [chat]\n"
    )
    with pytest.raises(
        PolicyError,
        match=r"workloads.yaml:\d+: workloads.general is already defined in extra.yaml:4",
    ):
        load_policy(policy_copy)


def test_duplicate_keys_and_dangling_references_are_refused(policy_copy: Path) -> None:
    (policy_copy / "tiers.yaml").write_text(
        "apiVersion: sovereign-router/v1\n"
        "tiers:\n  phi_heavy: [local-smollm2]\n  phi_heavy: [nowhere]\n"
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(policy_copy)
    assert any("duplicate key 'phi_heavy'" in p for p in caught.value.problems)


def test_an_invalid_reload_keeps_the_last_good_policy(policy_copy: Path) -> None:
    store = PolicyStore(policy_copy)
    good = store.current.version
    (policy_copy / "tiers.yaml").write_text("apiVersion: sovereign-router/v1\ntiers: [oops\n")
    result = store.reload()
    assert not result.ok and store.current.version == good
    assert "tiers.yaml" in result.problems[0]
