"""Policy test tables: strict validation with file and line, and every difference reported."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from router.policy.cases import ChatClassifier, load_case_files, run_cases
from router.policy.loader import PolicyError, load_policy
from router.tiers import Tier
from tests.conftest import DEFAULT_POLICY

HEADER = "apiVersion: sovereign-router/v1\ndate: 2026-11-22\ncases:\n"


def _write(directory: Path, text: str, name: str = "cases.yaml") -> Path:
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(text)
    return directory


def _never_classify() -> ChatClassifier:
    raise AssertionError("no case here has messages")


def test_a_misspelt_field_is_refused_with_its_line(tmp_path: Path) -> None:
    tests = _write(
        tmp_path / "tests",
        HEADER
        + "  - name: typo\n    request: {workload: general}\n    expected: {outcome: route}\n",
    )
    with pytest.raises(PolicyError) as caught:
        load_case_files(tests)
    problems = caught.value.problems
    assert any(p.startswith("cases.yaml:6: cases.0.expected:") for p in problems)
    assert any(p.startswith("cases.yaml:4: cases.0.expect: Field required") for p in problems)


def test_a_tier_and_messages_together_and_a_bad_outcome_are_refused(tmp_path: Path) -> None:
    tests = _write(
        tmp_path / "tests",
        HEADER
        + "  - name: both\n"
        + "    request:\n"
        + "      workload: general\n"
        + "      detected_tier: non_phi\n"
        + "      messages: [{role: user, content: hi}]\n"
        + "    expect: {outcome: routed}\n",
    )
    with pytest.raises(PolicyError) as caught:
        load_case_files(tests)
    text = "\n".join(caught.value.problems)
    assert "cases.yaml:6: cases.0.request: Value error, give detected_tier or messages" in text
    assert "cases.yaml:9: cases.0.expect.outcome:" in text
    assert len(caught.value.problems) == 2


def test_duplicate_keys_and_empty_directories_are_refused(tmp_path: Path) -> None:
    tests = _write(tmp_path / "tests", HEADER + "  - name: a\n    name: b\n")
    with pytest.raises(PolicyError, match=r"cases.yaml:5: duplicate key 'name'"):
        load_case_files(tests)
    empty = _write(tmp_path / "none", "apiVersion: sovereign-router/v1\ncases: []\n")
    with pytest.raises(PolicyError, match=r"cases.yaml:2: cases: Value error, a test file needs"):
        load_case_files(empty)
    with pytest.raises(PolicyError, match="no test files"):
        load_case_files(_write(tmp_path / "empty", "", name="README"))


def test_differences_are_reported_field_by_field(tmp_path: Path) -> None:
    tests = _write(
        tmp_path / "tests",
        HEADER
        + "  - name: right\n"
        + "    request: {workload: clinical, model: clinical}\n"
        + "    expect: {outcome: route, route: local-smollm2, rule: 'tiers.phi_heavy[0]'}\n"
        + "  - name: wrong\n"
        + "    route_health: {local-smollm2: false}\n"
        + "    request: {workload: clinical, model: clinical}\n"
        + "    expect: {outcome: route, route: local-smollm2}\n"
        + "  - name: unknown route\n"
        + "    enable: [claude-azure]\n"
        + "    request: {workload: general}\n"
        + "    expect: {outcome: route}\n",
    )
    report = run_cases(load_policy(DEFAULT_POLICY), tests, _never_classify)
    assert [r.passed for r in report.results] == [True, False, False]
    wrong, unknown = report.failed
    assert wrong.where == "cases.yaml:7" and wrong.name == "wrong"
    assert wrong.failures == (
        "outcome: expected 'route', got 'refuse'",
        "route: expected 'local-smollm2', got none",
    )
    assert unknown.failures == ("unknown route(s): claude-azure",)


def test_a_refusal_that_names_no_route_still_checks_route_is_none(tmp_path: Path) -> None:
    tests = _write(
        tmp_path / "tests",
        HEADER
        + "  - name: refused?\n    request: {workload: general}\n    expect: {outcome: refuse}\n",
    )
    report = run_cases(load_policy(DEFAULT_POLICY), tests, _never_classify)
    assert report.failed[0].failures[0] == "outcome: expected 'refuse', got 'route'"
    assert "route: expected none, got 'local-smollm2'" in report.failed[0].failures


def test_messages_are_classified_once_with_the_given_classifier(tmp_path: Path) -> None:
    seen: list[object] = []

    def factory() -> ChatClassifier:
        def classify(body: Mapping[str, object]) -> Tier:
            seen.append(body)
            return Tier.PHI_HEAVY

        return classify

    case = (
        "  - name: {name}\n    request:\n      workload: general\n"
        "      messages: [{{role: user, content: hi}}]\n"
        "    expect: {{outcome: route, effective_tier: phi_heavy}}\n"
    )
    tests = _write(tmp_path / "tests", HEADER + case.format(name="a") + case.format(name="b"))
    report = run_cases(load_policy(DEFAULT_POLICY), tests, factory)
    assert not report.failed and len(seen) == 2
    assert seen[0] == {"messages": [{"role": "user", "content": "hi"}]}
