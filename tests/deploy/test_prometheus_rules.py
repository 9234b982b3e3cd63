"""The alert rules: promtool checks and unit tests, the chart's copy, the metrics contract."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from router.metrics import Metrics
from tests.deploy.support import (
    CHART_RULES,
    CONTRACT_COUNTERS,
    CONTRACT_GAUGES,
    CONTRACT_HISTOGRAMS,
    CONTRACT_SERIES,
    DEPLOY_GUIDE,
    RULES,
    RULES_TESTS,
    load_values,
    metric_names,
    run_promtool,
    selector_names,
)

REQUIRED_ALERTS = {
    "SovereignRouterPHISentOffPremises",
    "SovereignRouterBAAExpiringSoon",
    "SovereignRouterRefusalRateHigh",
    "SovereignRouterRouteDown",
    "SovereignRouterAuditExportDropping",
    "SovereignRouterOverheadHigh",
}


def alerts() -> list[dict[str, Any]]:
    return [rule for group in load_values(RULES)["groups"] for rule in group["rules"]]


def alert_names() -> list[str]:
    return [rule["alert"] for rule in alerts()]


def test_chart_ships_an_identical_copy_of_the_rules() -> None:
    assert CHART_RULES.read_bytes() == RULES.read_bytes(), (
        f"copy {RULES.relative_to(RULES.parents[2])} to {CHART_RULES.name} in the chart"
    )


def test_promtool_check_rules() -> None:
    result = run_promtool("check", "rules", RULES)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alerts())} rules found" in result.stdout


def test_promtool_unit_tests_pass() -> None:
    result = run_promtool("test", "rules", RULES_TESTS.name, cwd=RULES_TESTS.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_the_required_alerts_exist_with_severity_and_runbook() -> None:
    assert set(alert_names()) >= REQUIRED_ALERTS
    assert len(alert_names()) == len(set(alert_names()))
    guide = DEPLOY_GUIDE.read_text(encoding="utf-8")
    for rule in alerts():
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), rule["alert"]
        assert "docs/deploy.md#alerts-and-runbooks" in rule["annotations"]["runbook"]
        assert f"`{rule['alert']}`" in guide, f"{rule['alert']} has no runbook in docs/deploy.md"
    assert "## Alerts and runbooks" in guide
    by_name = {rule["alert"]: rule for rule in alerts()}
    phi = by_name["SovereignRouterPHISentOffPremises"]
    assert phi["labels"]["severity"] == "critical"
    assert "for" not in phi  # fires on the first evaluation


def test_every_alert_is_tested_firing_and_silent() -> None:
    fired: set[str] = set()
    silent: set[str] = set()
    for case in load_values(RULES_TESTS)["tests"]:
        for check in case.get("alert_rule_test", []):
            (fired if check["exp_alerts"] else silent).add(check["alertname"])
    assert fired == set(alert_names())
    assert silent == set(alert_names())


@pytest.mark.parametrize("alert", alert_names())
def test_unit_tests_fail_when_an_alert_never_fires(alert: str, tmp_path: Path) -> None:
    """Replace one alert's expression with one that never fires: the unit tests must notice."""
    rules = load_values(RULES)
    for group in rules["groups"]:
        for rule in group["rules"]:
            if rule["alert"] == alert:
                rule["expr"] = "vector(1) < 0"
    (tmp_path / RULES.name).write_text(yaml.safe_dump(rules), encoding="utf-8")
    shutil.copy(RULES_TESTS, tmp_path / RULES_TESTS.name)
    result = run_promtool("test", "rules", RULES_TESTS.name, cwd=tmp_path)
    assert result.returncode != 0
    assert f"alertname: {alert}," in result.stdout + result.stderr


def test_unit_tests_fail_when_phi_alert_misses_a_new_series(tmp_path: Path) -> None:
    """increase() alone cannot see a series whose first sample is already 1."""
    rules = load_values(RULES)
    for group in rules["groups"]:
        for rule in group["rules"]:
            if rule["alert"] == "SovereignRouterPHISentOffPremises":
                rule["expr"] = rule["expr"].split("\nor\n")[0]
    (tmp_path / RULES.name).write_text(yaml.safe_dump(rules), encoding="utf-8")
    shutil.copy(RULES_TESTS, tmp_path / RULES_TESTS.name)
    result = run_promtool("test", "rules", RULES_TESTS.name, cwd=tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "phi_heavy traffic appearing on a vendor route fires at once" in output


def test_rules_query_only_contract_metrics() -> None:
    used: set[str] = set()
    for rule in alerts():
        names = metric_names(rule["expr"])
        assert names, rule["alert"]
        assert names <= CONTRACT_SERIES, (rule["alert"], names - CONTRACT_SERIES)
        assert selector_names(rule["expr"]) <= CONTRACT_SERIES, rule["alert"]
        used |= names
    assert "sovereign_router_requests_total" in used


def test_the_router_exports_every_contract_metric() -> None:
    """The contract the rules and the dashboard rely on, against the router's registry."""
    exported: dict[str, str] = {}
    for family in Metrics().registry.collect():
        name = f"{family.name}_total" if family.type == "counter" else family.name
        exported[name] = family.type
    expected = (
        {name: "counter" for name in CONTRACT_COUNTERS}
        | {name: "gauge" for name in CONTRACT_GAUGES}
        | {name: "histogram" for name in CONTRACT_HISTOGRAMS}
    )
    assert {name: exported.get(name) for name in expected} == expected


def test_promql_label_names_are_contract_labels() -> None:
    """`by (...)` and selector labels in the rules exist on the metrics they use."""
    labels = {
        "sovereign_router_requests_total": {
            "workload",
            "tier",
            "route",
            "boundary",
            "model",
            "decision",
            "status",
        },
        "sovereign_router_refusals_total": {"reason"},
        "sovereign_router_audit_export_dropped_total": {"sink"},
        "sovereign_router_audit_export_queue_depth": {"sink"},
        "sovereign_router_baa_days_to_expiry": {"route"},
        "sovereign_router_policy_info": {"version"},
        "sovereign_router_route_healthy": {"route"},
        "sovereign_router_overhead_seconds_bucket": {"le"},
    }
    target_labels = {"namespace"}  # added by the scrape (ServiceMonitor)
    for rule in alerts():
        expr = rule["expr"]
        allowed = set(target_labels)
        for name in metric_names(expr):
            allowed |= labels[name]
        grouped = {
            label.strip()
            for group in re.findall(r"\bby \(([^)]*)\)", expr)
            for label in group.split(",")
        }
        selected = set(re.findall(r"[{,]\s*([a-z_]+)\s*(?:=|!=|=~|!~)", expr))
        assert grouped | selected <= allowed, (rule["alert"], (grouped | selected) - allowed)
