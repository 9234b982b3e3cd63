"""Rendering the Helm chart in-process, and the contracts the deployment tests check against.

Helm runs in-process through `helm-python-sdk` (Helm's own Go SDK behind a C ABI): no helm
binary and no cluster. Rendered objects are checked against the Kubernetes JSON schemas that
`kubernetes-validate` ships.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate  # type: ignore[import-untyped]  # no type hints shipped
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "sovereign-router"
EXAMPLES = CHART / "examples"
EXAMPLE_NAMES = ("trial", "production-vllm", "production-bedrock")
RULES = REPO / "deploy" / "prometheus" / "rules.yaml"
RULES_TESTS = REPO / "deploy" / "prometheus" / "rules.test.yaml"
CHART_RULES = CHART / "files" / "prometheus-rules.yaml"
DASHBOARD = REPO / "deploy" / "grafana" / "sovereign-router.json"
CHART_DASHBOARD = CHART / "files" / "grafana-dashboard.json"
DEPLOY_GUIDE = REPO / "docs" / "deploy.md"

RELEASE = "sr"
NAMESPACE = "clinical-ai"
# The newest Kubernetes schemas kubernetes-validate 1.37.0 ships.
KUBERNETES_VERSION = "1.37.0"
# Custom resources of the Prometheus Operator: no schema ships for them, so the tests check
# them structurally instead.
CUSTOM_RESOURCE_KINDS = frozenset({"ServiceMonitor", "PrometheusRule"})

# The router's metrics contract: exposition names. Histograms also expose _bucket/_sum/_count.
CONTRACT_COUNTERS = frozenset(
    {
        "sovereign_router_requests_total",
        "sovereign_router_refusals_total",
        "sovereign_router_phi_entities_total",
        "sovereign_router_deidentified_requests_total",
        "sovereign_router_fallbacks_total",
        "sovereign_router_upstream_errors_total",
        "sovereign_router_tokens_total",
        "sovereign_router_audit_export_dropped_total",
    }
)
CONTRACT_HISTOGRAMS = frozenset(
    {
        "sovereign_router_overhead_seconds",
        "sovereign_router_upstream_latency_seconds",
        "sovereign_router_time_to_first_token_seconds",
        "sovereign_router_request_duration_seconds",
        "sovereign_router_audit_write_seconds",
    }
)
CONTRACT_GAUGES = frozenset(
    {
        "sovereign_router_audit_export_queue_depth",
        "sovereign_router_baa_days_to_expiry",
        "sovereign_router_policy_info",
        "sovereign_router_route_healthy",
    }
)
CONTRACT_SERIES = (
    CONTRACT_COUNTERS
    | CONTRACT_GAUGES
    | {
        f"{name}{suffix}"
        for name in CONTRACT_HISTOGRAMS
        for suffix in ("_bucket", "_sum", "_count")
    }
)

Manifest = dict[str, Any]
_METRIC_NAME = re.compile(r"\bsovereign_router_[a-z0-9_]+\b")
_SELECTOR = re.compile(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{")


@dataclass(frozen=True)
class Rendered:
    """A rendered release: its objects, by the template that produced them."""

    by_template: dict[str, list[Manifest]]
    notes: str

    @property
    def objects(self) -> list[Manifest]:
        return [obj for objs in self.by_template.values() for obj in objs]

    def of_kind(self, kind: str) -> list[Manifest]:
        return [obj for obj in self.objects if obj["kind"] == kind]

    def one(self, kind: str, name: str) -> Manifest:
        found = [obj for obj in self.of_kind(kind) if obj["metadata"]["name"] == name]
        assert len(found) == 1, f"expected one {kind} named {name}, found {len(found)}"
        return found[0]


def load_values(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"{path} is not a mapping"
    return loaded


def example_values(name: str) -> dict[str, Any]:
    """An example values file, parsed by Helm's own YAML reader as `helm -f` parses it."""
    return helm.values_from_yaml((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """A deep merge of two values trees, as Helm merges `-f a.yaml -f b.yaml`."""
    result = dict(base)
    for key, value in override.items():
        current = result.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            result[key] = merged(current, value)
        else:
            result[key] = value
    return result


def render(values: Mapping[str, Any]) -> Rendered:
    """Render the chart with `values` (validated against values.schema.json) or raise HelmError."""
    with helm.Chart.load(CHART) as chart:
        manifests = chart.render(dict(values), name=RELEASE, namespace=NAMESPACE, is_install=True)
    by_template: dict[str, list[Manifest]] = {}
    notes = ""
    for template, text in manifests.items():
        if template.endswith("NOTES.txt"):
            notes = text
            continue
        docs = [doc for doc in yaml.safe_load_all(text) if doc]
        if docs:
            by_template[template.removeprefix(f"{CHART.name}/")] = docs
    return Rendered(by_template=by_template, notes=notes)


@functools.cache
def render_example(name: str) -> Rendered:
    return render(example_values(name))


def render_error(values: Mapping[str, Any]) -> str:
    """The message Helm refuses `values` with; fails the test if they render."""
    with pytest.raises(helm.HelmError) as caught:
        render(values)
    return str(caught.value)


def lint(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Helm lint findings (strict, for the Kubernetes version the chart is validated against)."""
    report = helm.lint(
        CHART,
        dict(values),
        strict=True,
        namespace=NAMESPACE,
        kube_version=f"v{KUBERNETES_VERSION}",
    )
    messages: list[dict[str, Any]] = report["messages"]
    return messages


def validate_kubernetes_object(obj: Manifest) -> None:
    """Validate one object against the strict Kubernetes schema (unknown fields are errors)."""
    kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def pod_spec(workload: Manifest) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def env_of(container: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def metric_names(promql: str) -> set[str]:
    return set(_METRIC_NAME.findall(promql))


def selector_names(promql: str) -> set[str]:
    """Names written as `name{...}`: metric selectors (and `by (...)` never matches)."""
    return set(_SELECTOR.findall(promql))


def walk(node: Any) -> Iterator[Any]:
    """Every mapping and list inside a JSON-like tree, the root included."""
    yield node
    if isinstance(node, Mapping):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def promtool() -> str:
    """Path of promtool (Debian's `prometheus` package), or skip the test."""
    path = shutil.which("promtool")
    if path is None:
        pytest.skip("promtool is not on PATH (apt-get install prometheus)")
    return path


def run_promtool(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *(str(arg) for arg in args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )
