"""The policy's own test tables (tests/*.yaml), run by pytest with the same runner as
`sovereign-router policy test`, so that a policy change that breaks an expectation fails CI."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from router.phi import Classifier
from router.policy.cases import ChatClassifier, describe, run_cases
from router.policy.loader import load_policy
from router.tiers import Tier

POLICY_DIR = Path(__file__).resolve().parent


def _classifier() -> ChatClassifier:
    classifier = Classifier()

    def classify(body: Mapping[str, object]) -> Tier:
        return classifier.classify_chat(body).tier

    return classify


def test_every_policy_test_case_passes() -> None:
    report = run_cases(load_policy(POLICY_DIR), POLICY_DIR / "tests", _classifier)
    failures = [
        f"{result.where} {result.name}: {'; '.join(result.failures)}"
        + (f" (decision: {describe(result.decision)})" if result.decision else "")
        for result in report.failed
    ]
    assert not failures, "\n".join(failures)
    assert len(report.results) >= 30  # every file was read, none silently skipped
