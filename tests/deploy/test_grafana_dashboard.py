"""The Grafana dashboard: the chart's copy, its queries against the metrics contract."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.support import (
    CHART_DASHBOARD,
    CONTRACT_SERIES,
    DASHBOARD,
    metric_names,
    run_promtool,
    selector_names,
    walk,
)

# Each brief requirement of the dashboard, as a metric a panel must chart.
REQUIRED_METRICS = {
    "sovereign_router_requests_total",  # routing by tier and route
    "sovereign_router_refusals_total",  # refusals by reason
    "sovereign_router_phi_entities_total",  # PHI entity types
    "sovereign_router_overhead_seconds_bucket",  # overhead percentiles
    "sovereign_router_upstream_latency_seconds_bucket",  # latency percentiles
    "sovereign_router_baa_days_to_expiry",  # BAA days to expiry
    "sovereign_router_route_healthy",  # route health
}


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return loaded


def panels() -> list[dict[str, Any]]:
    return [p for p in dashboard()["panels"] if p["type"] != "row"]


def expressions() -> list[str]:
    exprs = [target["expr"] for panel in panels() for target in panel.get("targets", [])]
    exprs += [
        variable["query"]["query"]
        for variable in dashboard()["templating"]["list"]
        if variable["type"] == "query"
    ]
    return exprs


def test_chart_ships_an_identical_copy_of_the_dashboard() -> None:
    assert CHART_DASHBOARD.read_bytes() == DASHBOARD.read_bytes(), (
        "copy deploy/grafana/sovereign-router.json to the chart's files/grafana-dashboard.json"
    )


def test_dashboard_queries_only_contract_metrics() -> None:
    used: set[str] = set()
    for expr in expressions():
        names = metric_names(expr)
        assert names, expr
        assert names <= CONTRACT_SERIES, names - CONTRACT_SERIES
        assert selector_names(expr) <= CONTRACT_SERIES, expr
        used |= names
    assert used >= REQUIRED_METRICS, REQUIRED_METRICS - used


def test_dashboard_queries_are_valid_promql(tmp_path: Path) -> None:
    """promtool parses each query, Grafana's variables replaced, as a recording rule."""
    substitutions = {"$__rate_interval": "5m", "$__range": "6h", "$namespace": ".*", "$route": ".*"}
    rules = []
    for index, expr in enumerate(expressions()):
        if expr.startswith("label_values("):
            expr = re.sub(r"^label_values\((.*), [a-z_]+\)$", r"\1", expr)
        for variable, value in substitutions.items():
            expr = expr.replace(variable, value)
        assert "$" not in expr, expr
        rules.append({"record": f"dashboard:query_{index}", "expr": expr})
    rule_file = tmp_path / "dashboard-queries.yaml"
    rule_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = run_promtool("check", "rules", rule_file)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_panel_uses_the_datasource_variable_and_fits_the_grid() -> None:
    board = dashboard()
    assert board["uid"] == "sovereign-router"
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    occupied: set[tuple[int, int]] = set()
    for panel in board["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & occupied, f"panel {panel['title']!r} overlaps another"
        occupied |= cells
    for node in walk([p for p in board["panels"] if p["type"] != "row"]):
        if isinstance(node, dict) and "datasource" in node and isinstance(node["datasource"], dict):
            assert node["datasource"]["uid"] == "${datasource}"
    for panel in panels():
        assert panel["targets"], panel["title"]
        assert panel["description"], panel["title"]
