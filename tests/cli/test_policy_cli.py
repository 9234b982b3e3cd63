"""`sovereign-router policy check|test|explain|diff`, run through the real argument parser."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from router.cli import main
from tests.conftest import DEFAULT_POLICY


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["policy", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_check_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "check", str(DEFAULT_POLICY))
    assert status == 0 and err == ""
    assert "valid policy sha256:" in out and "3 workloads" in out


def test_check_reports_a_typo_with_file_and_line(
    capsys: pytest.CaptureFixture[str], policy_copy: Path
) -> None:
    routes = policy_copy / "routes.yaml"
    routes.write_text(routes.read_text().replace("    managed: true", "    manged: true"))
    status, out, err = _run(capsys, "check", str(policy_copy))
    line = next(n for n, text in enumerate(routes.read_text().splitlines(), 1) if "manged" in text)
    assert status == 1 and out == ""
    assert f"error: routes.yaml:{line}: routes.local-smollm2.manged: Extra inputs" in err


def test_check_warns_and_strict_fails_on_warnings(
    capsys: pytest.CaptureFixture[str], policy_copy: Path
) -> None:
    routes = policy_copy / "routes.yaml"
    vertex = routes.read_text().index("  claude-vertex:")
    text = routes.read_text()
    routes.write_text(text[:vertex] + text[vertex:].replace("enabled: false", "enabled: true"))
    tiers = policy_copy / "tiers.yaml"
    tiers.write_text(  # Vertex has no zero data retention: fine for non_phi, not for PHI
        tiers.read_text().replace("sometimes_phi: [", "sometimes_phi: [claude-vertex, ")
    )
    status, out, _ = _run(capsys, "check", str(policy_copy))
    assert status == 0
    assert "warning: routes.claude-vertex: zero_data_retention is false" in out
    strict, _, _ = _run(capsys, "check", "--strict", str(policy_copy))
    assert strict == 1


def test_test_runs_the_default_tables(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "test", str(DEFAULT_POLICY))
    assert status == 0 and out.strip().endswith(" passed, 0 failed")


def test_test_shows_each_failure_with_the_decision(
    capsys: pytest.CaptureFixture[str], policy_copy: Path, tmp_path: Path
) -> None:
    tests = tmp_path / "cases"
    tests.mkdir()
    (tests / "one.yaml").write_text(
        "apiVersion: sovereign-router/v1\ndate: 2026-11-22\ncases:\n"
        "  - name: clinical to Claude?\n"
        "    request: {workload: clinical, model: chat}\n"
        "    expect: {outcome: route, route: claude-anthropic}\n"
    )
    status, out, _ = _run(capsys, "test", str(policy_copy), "--tests", str(tests))
    assert status == 1
    assert out.splitlines() == [
        "FAIL one.yaml:4 clinical to Claude?",
        "     route: expected 'claude-anthropic', got 'local-smollm2'",
        "     decision: route -> local-smollm2 by tiers.phi_heavy[0]: "
        "phi_heavy data may use route 'local-smollm2' (on_prem).",
        "0 passed, 1 failed",
    ]


def test_explain_prints_the_rule_and_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys,
        "explain",
        "--dir",
        str(DEFAULT_POLICY),
        "--workload",
        "member-services",
        "--tier",
        "sometimes_phi",
        "--enable",
        "claude-bedrock",
        "--route-health",
        "claude-bedrock=down",
        "--date",
        "2026-11-22",
        "--json",
    )
    decision = json.loads(out)
    assert status == 0
    assert decision["route"] == "local-smollm2" and decision["rule"] == "tiers.sometimes_phi[2]"
    assert "sometimes_phi data may use route 'local-smollm2'" in decision["reason"]


def test_explain_refusal_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys,
        "explain",
        "--dir",
        str(DEFAULT_POLICY),
        "--workload",
        "clinical",
        "--route-health",
        "local-smollm2=down",
    )
    assert status == 0
    lines = dict(line.split(None, 1) for line in out.splitlines())
    assert lines["outcome"] == "refuse" and lines["route"] == "-"
    assert lines["rule"] == "tiers.phi_heavy.none_healthy" and lines["status_code"] == "503"


def test_explain_refuses_unknown_routes_and_bad_health(capsys: pytest.CaptureFixture[str]) -> None:
    base = ("explain", "--dir", str(DEFAULT_POLICY), "--workload", "general")
    status, _, err = _run(capsys, *base, "--enable", "claude-azure")
    assert status == 1 and "unknown route(s): claude-azure" in err
    status, _, err = _run(capsys, *base, "--route-health", "local-smollm2=maybe")
    assert status == 1 and "ROUTE=up or ROUTE=down" in err


def test_diff_lists_changed_sections(
    capsys: pytest.CaptureFixture[str], policy_copy: Path, tmp_path: Path
) -> None:
    same, _, _ = _run(capsys, "diff", str(DEFAULT_POLICY), str(policy_copy))
    assert same == 0
    routes = policy_copy / "routes.yaml"
    routes.write_text(routes.read_text().replace("enabled: false", "enabled: true", 1))
    tiers = policy_copy / "tiers.yaml"
    tiers.write_text(tiers.read_text().replace("[local-smollm2]", "[local-smollm2 ]", 1))
    shutil.copy(policy_copy / "workloads.yaml", tmp_path / "workloads.yaml")
    (policy_copy / "workloads.yaml").write_text(
        (tmp_path / "workloads.yaml").read_text().replace("  general:", "  public:")
    )
    status, out, _ = _run(capsys, "diff", str(DEFAULT_POLICY), str(policy_copy))
    assert status == 1
    assert out.splitlines()[1:] == [
        "~ routes.claude-bedrock: enabled",
        "- workloads.general",
        "+ workloads.public",
    ]


def test_explain_classifies_a_chat_request(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    request = tmp_path / "request.json"
    note = "Pt John Smith, MRN 1234567, has CHF"
    request.write_text(json.dumps({"messages": [{"role": "user", "content": note}]}))
    base = ("explain", "--dir", str(DEFAULT_POLICY), "--workload", "general", "--json")
    status, out, _ = _run(capsys, *base, "--request", str(request))
    explained = json.loads(out)
    assert status == 0 and explained["effective_tier"] == "phi_heavy"
    assert explained["entity_counts"] == {"MRN": 1, "NAME": 1}
    assert "Smith" not in out and "1234567" not in out
    request.write_text("{not json")
    status, _, err = _run(capsys, *base, "--request", str(request))
    assert status == 1 and "could not be classified: JSONDecodeError" in err
