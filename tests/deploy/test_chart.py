"""The Helm chart: rendered and linted by Helm's Go SDK, each object validated by its schema."""

from __future__ import annotations

import base64
import ipaddress
import json
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

from router.policy.loader import load_policy
from router.policy.model import DataBoundary, Policy
from router.tiers import Tier
from tests.deploy.support import (
    CHART,
    CHART_DASHBOARD,
    CHART_RULES,
    CUSTOM_RESOURCE_KINDS,
    EXAMPLE_NAMES,
    NAMESPACE,
    RELEASE,
    REPO,
    Manifest,
    Rendered,
    env_of,
    example_values,
    lint,
    load_values,
    merged,
    pod_spec,
    render,
    render_error,
    render_example,
    validate_kubernetes_object,
    walk,
)

FULLNAME = f"{RELEASE}-sovereign-router"
AUDIT_KEY = base64.b64encode(bytes(range(32))).decode()


def router_deployment(rendered: Rendered) -> Manifest:
    return rendered.one("Deployment", FULLNAME)


def router_container(rendered: Rendered) -> dict[str, Any]:
    containers = pod_spec(router_deployment(rendered))["containers"]
    assert [c["name"] for c in containers] == ["router"]
    container: dict[str, Any] = containers[0]
    return container


def vllm_deployments(rendered: Rendered) -> list[Manifest]:
    return [
        d
        for d in rendered.of_kind("Deployment")
        if d["metadata"]["labels"]["app.kubernetes.io/component"] == "vllm"
    ]


def loaded_policy(rendered: Rendered, tmp_path: Path) -> Policy:
    """Load the rendered policy ConfigMap with the router's own loader."""
    configmap = rendered.one("ConfigMap", f"{FULLNAME}-policy")
    for file_name, content in configmap["data"].items():
        (tmp_path / file_name).write_text(content, encoding="utf-8")
    return load_policy(tmp_path).policy


# --- Render, lint, validate ---------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_example_lints_without_findings(example: str) -> None:
    findings = [m for m in lint(example_values(example)) if m["severity"] >= 2]
    assert findings == []


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_every_rendered_object_is_valid_kubernetes(example: str) -> None:
    rendered = render_example(example)
    kinds = {obj["kind"] for obj in rendered.objects}
    assert {"Deployment", "Service", "ConfigMap", "NetworkPolicy", "PodDisruptionBudget"} <= kinds
    dashboard_namespace = (
        example_values(example).get("metrics", {}).get("grafanaDashboard", {}).get("namespace")
    )
    for obj in rendered.objects:
        dashboard = obj["metadata"]["name"] == f"{FULLNAME}-dashboard"
        expected = (dashboard and dashboard_namespace) or NAMESPACE
        assert obj["metadata"]["namespace"] == expected
        if obj["kind"] in CUSTOM_RESOURCE_KINDS:
            assert obj["apiVersion"] == "monitoring.coreos.com/v1"
            continue
        validate_kubernetes_object(obj)


def test_validation_catches_an_invalid_object() -> None:
    deployment = json.loads(json.dumps(router_deployment(render_example("trial"))))
    pod_spec(deployment)["containers"][0]["readinessProbe"]["httpGet"]["pathh"] = "/readyz"
    with pytest.raises(Exception, match="pathh"):
        validate_kubernetes_object(deployment)


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_one_kubernetes_object_per_template(example: str) -> None:
    rendered = render_example(example)
    models = len(vllm_deployments(rendered))
    for template, objects in rendered.by_template.items():
        assert len({obj["kind"] for obj in objects}) == 1, template
        per_model = template.startswith("templates/vllm-") and template not in {
            "templates/vllm-networkpolicy.yaml"
        }
        assert len(objects) <= (models if per_model else 1), template


def test_chart_app_version_is_the_router_version() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text(encoding="utf-8"))
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{chart["appVersion"]}"' in pyproject
    image = router_container(render_example("trial"))["image"]
    assert image == f"ghcr.io/sovereign-router/sovereign-router:{chart['appVersion']}"


def test_image_digest_pins_the_image() -> None:
    digest = "sha256:" + "ab" * 32
    values = merged(example_values("trial"), {"image": {"digest": digest}})
    image = router_container(render(values))["image"]
    assert image == f"ghcr.io/sovereign-router/sovereign-router@{digest}"


# --- Refusals -----------------------------------------------------------------------------------


def test_default_values_refuse_to_render_with_every_reason() -> None:
    message = render_error({})
    assert "audit.existingSecret (or audit.keyEncryptionKey) is required in production" in message
    assert "database.existingSecret (or database.url) is required in production" in message
    assert "policy is empty" in message


def test_production_without_an_audit_key_is_refused() -> None:
    values = example_values("production-vllm")
    values["audit"] = {"existingSecret": ""}
    message = render_error(values)
    assert "audit.existingSecret (or audit.keyEncryptionKey) is required in production" in message


def test_production_accepts_an_inline_audit_key_of_32_bytes_only() -> None:
    values = example_values("production-bedrock")
    values["audit"] = {"existingSecret": "", "keyEncryptionKey": AUDIT_KEY}
    render(values)
    values["audit"]["keyEncryptionKey"] = base64.b64encode(b"too short").decode()
    assert "must be 32 random bytes in base64" in render_error(values)


def test_production_refuses_sqlite() -> None:
    values = example_values("production-bedrock")
    values["database"] = {"existingSecret": ""}
    assert "the router refuses SQLite in production" in render_error(values)


@pytest.mark.parametrize(
    "override",
    [{"replicaCount": 2}, {"autoscaling": {"enabled": True}}],
    ids=["replicas", "autoscaling"],
)
def test_sqlite_with_more_than_one_replica_is_refused(override: dict[str, Any]) -> None:
    message = render_error(merged(example_values("trial"), override))
    assert "SQLite allows a single replica" in message


def test_sqlite_single_replica_recreates_on_a_persistent_volume() -> None:
    rendered = render_example("trial")
    deployment = router_deployment(rendered)
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    volumes = {v["name"]: v for v in pod_spec(deployment)["volumes"]}
    claim = volumes["data"]["persistentVolumeClaim"]["claimName"]
    assert rendered.one("PersistentVolumeClaim", claim)["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert "SOVEREIGN_ROUTER_DATABASE_URL" not in env_of(router_container(rendered))


def test_ingress_without_tls_is_refused() -> None:
    values = example_values("production-vllm")
    values["ingress"]["tls"] = []
    assert "ingress.tls is required" in render_error(values)
    values["ingress"]["allowPlaintext"] = True
    assert render(values).one("Ingress", FULLNAME)["spec"].get("tls") is None


def test_phi_heavy_tier_with_an_off_premises_route_is_refused() -> None:
    values = example_values("production-vllm")
    values["policy"]["tiers"]["phi_heavy"] = ["vllm-clinical-70b", "claude-anthropic"]
    message = render_error(values)
    assert 'route "claude-anthropic" has data_boundary vendor' in message


def test_unknown_route_in_a_tier_is_refused() -> None:
    values = example_values("trial")
    values["policy"]["tiers"]["non_phi"] = ["claude-anthropic", "vllm-qwen"]
    assert 'policy.tiers.non_phi: unknown route "vllm-qwen"' in render_error(values)


def test_enabled_anthropic_route_needs_a_key() -> None:
    values = example_values("trial")
    values["policy"]["routes"]["claude-anthropic"]["enabled"] = True
    assert "is an enabled anthropic route: set anthropic.existingSecret" in render_error(values)
    values["anthropic"] = {"existingSecret": "anthropic"}
    render(values)


def test_shared_read_write_once_model_cache_is_refused() -> None:
    values = example_values("trial")
    values["vllm"]["models"]["qwen-1-5b"]["replicas"] = 2
    assert "cannot share a ReadWriteOnce model cache" in render_error(values)


# --- Schema -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"replicaCont": 2}, "replicaCont"),
        ({"networkPolicy": {"egress": {"databse": {"cidrs": []}}}}, "databse"),
        ({"audit": {"existingSecretName": "kek"}}, "existingSecretName"),
        ({"vllm": {"models": {"qwen-1-5b": {"tensorParalelSize": 2}}}}, "tensorParalelSize"),
        ({"policy": {"routes": {"claude-anthropic": {"data_boundry": "vendor"}}}}, "data_boundry"),
        ({"policy": {"tiers": {"phi-heavy": []}}}, "phi-heavy"),
        ({"environment": "prod"}, "environment"),
        ({"containerSecurityContext": {"readOnlyRootFilesystem": False}}, "readOnlyRootFilesystem"),
        ({"podSecurityContext": {"runAsNonRoot": False}}, "runAsNonRoot"),
        ({"policy": {"routes": {"claude-anthropic": {"managed": True}}}}, "managed"),
    ],
    ids=lambda value: "" if isinstance(value, dict) else value,
)
def test_schema_rejects_misspelt_and_unsafe_values(
    override: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(helm.HelmValuesError, match=complaint):
        render(merged(example_values("trial"), override))


def test_schema_accepts_an_umbrella_charts_global_values() -> None:
    render(merged(example_values("trial"), {"global": {"imageRegistry": "registry.hospital"}}))


def test_schema_declares_every_key() -> None:
    """additionalProperties: false wherever keys are ours; maps and Kubernetes objects say so."""
    schema = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
    checked = 0
    for node in walk(schema):
        if not isinstance(node, dict):
            continue
        if "properties" in node:
            assert node.get("additionalProperties") is False, sorted(node["properties"])
            checked += 1
        elif node.get("type") == "object":
            is_map = isinstance(node.get("additionalProperties"), dict)
            is_kubernetes = "Kubernetes" in node.get("description", "")
            assert is_map or is_kubernetes, node
    assert checked > 40


def test_values_file_documents_every_key() -> None:
    """Every key of values.yaml has a comment above it, or sits under a key that has one."""
    lines = (CHART / "values.yaml").read_text(encoding="utf-8").splitlines()
    documented_at: list[tuple[int, bool]] = []  # (indent, documented) of the enclosing keys
    undocumented = []
    previous = ""
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        is_key = bool(stripped) and not stripped.startswith(("#", "-")) and ":" in stripped
        if is_key:
            while documented_at and documented_at[-1][0] >= indent:
                documented_at.pop()
            documented = previous.startswith("#") or any(d for _, d in documented_at)
            is_leaf = not stripped.endswith(":")
            if is_leaf and not documented:
                undocumented.append(stripped)
            documented_at.append((indent, documented))
        if stripped:
            previous = stripped
    assert undocumented == []


# --- Hardening ----------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_every_pod_is_hardened(example: str) -> None:
    rendered = render_example(example)
    for deployment in rendered.of_kind("Deployment"):
        spec = pod_spec(deployment)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["enableServiceLinks"] is False
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["privileged"] is False
            assert context["runAsNonRoot"] is True
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}
            assert "limits" in container["resources"] and "requests" in container["resources"]
            # A read-only root filesystem: whatever is written goes to a mounted volume.
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert "/tmp" in mounts


@pytest.mark.parametrize(
    ("example", "token"),
    [("trial", False), ("production-vllm", False), ("production-bedrock", True)],
)
def test_service_account_token_only_for_a_cloud_identity(example: str, token: bool) -> None:
    rendered = render_example(example)
    account = rendered.one("ServiceAccount", FULLNAME)
    assert account["automountServiceAccountToken"] is token
    assert pod_spec(router_deployment(rendered))["automountServiceAccountToken"] is token
    assert pod_spec(router_deployment(rendered))["serviceAccountName"] == FULLNAME
    for deployment in vllm_deployments(rendered):
        assert pod_spec(deployment)["automountServiceAccountToken"] is False
    annotations = account["metadata"].get("annotations", {})
    if token:
        assert annotations == {
            "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/sovereign-router-bedrock"
        }
    else:
        assert annotations == {}


def test_gke_workload_identity_annotation() -> None:
    sa = "router@hospital-ai.iam.gserviceaccount.com"
    values = merged(
        example_values("production-bedrock"),
        {"serviceAccount": {"cloudIdentity": {"awsRoleArn": "", "gcpServiceAccount": sa}}},
    )
    account = render(values).one("ServiceAccount", FULLNAME)
    assert account["metadata"]["annotations"] == {"iam.gke.io/gcp-service-account": sa}


# --- Probes, environment, volumes ---------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_router_probes_and_command(example: str) -> None:
    container = router_container(render_example(example))
    assert container["command"] == [
        "sovereign-router",
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8080",
    ]
    assert container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["startupProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_router_settings_and_mounts(example: str) -> None:
    rendered = render_example(example)
    container = router_container(rendered)
    env = env_of(container)
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec(router_deployment(rendered))["volumes"]}
    assert env["SOVEREIGN_ROUTER_LOCAL_MODEL__AUTOSTART"]["value"] == "false"
    assert env["SOVEREIGN_ROUTER_ENVIRONMENT"]["value"] == example_values(example)["environment"]
    # The data directory is writable; the policy directory is the policy ConfigMap.
    assert env["SOVEREIGN_ROUTER_DATA_DIR"]["value"] in mounts
    policy_mount = mounts[env["SOVEREIGN_ROUTER_POLICY_DIR"]["value"]]
    assert policy_mount["readOnly"] is True
    assert volumes[policy_mount["name"]]["configMap"]["name"] == f"{FULLNAME}-policy"


def test_production_secrets_come_from_existing_secrets() -> None:
    rendered = render_example("production-vllm")
    env = env_of(router_container(rendered))
    expected = {
        "SOVEREIGN_ROUTER_DATABASE_URL": ("sovereign-router-database", "database-url"),
        "ANTHROPIC_API_KEY": ("sovereign-router-anthropic", "anthropic-api-key"),
        "SOVEREIGN_ROUTER_OIDC__CLIENT_SECRET": ("sovereign-router-oidc", "oidc-client-secret"),
        "SOVEREIGN_ROUTER_REDIS_URL": ("sovereign-router-redis", "redis-url"),
    }
    for name, (secret, key) in expected.items():
        assert env[name]["valueFrom"]["secretKeyRef"] == {"name": secret, "key": key}
    assert rendered.of_kind("Secret") == []
    # The audit key is a file from the Secret, where SOVEREIGN_ROUTER_AUDIT__KEY_FILE points.
    key_file = Path(env["SOVEREIGN_ROUTER_AUDIT__KEY_FILE"]["value"])
    container = router_container(rendered)
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == str(key_file.parent))
    volume = next(
        v for v in pod_spec(router_deployment(rendered))["volumes"] if v["name"] == mount["name"]
    )
    assert volume["secret"]["secretName"] == "sovereign-router-audit"
    assert volume["secret"]["items"] == [{"key": "audit-kek", "path": key_file.name}]


def test_inline_secrets_stay_in_the_secret() -> None:
    """Trial values with every secret inline: the values appear in the Secret and nowhere else."""
    sentinels = {
        "audit": ("keyEncryptionKey", AUDIT_KEY),
        "anthropic": ("apiKey", "sk-ant-SENTINEL-anthropic"),
        "database": ("url", "postgresql+psycopg://router:SENTINEL-db-password@db:5432/router"),
        "oidc": ("clientSecret", "SENTINEL-oidc-client-secret"),
        "redis": ("url", "redis://:SENTINEL-redis-password@redis:6379/0"),
    }
    values = example_values("trial")
    for section, (field, secret) in sentinels.items():
        values[section] = {field: secret}
    values["vllm"]["huggingFace"] = {"token": "hf_SENTINELtoken"}
    values["policy"]["routes"]["claude-anthropic"]["enabled"] = True
    rendered = render(values)
    secrets = [secret for _, secret in sentinels.values()] + ["hf_SENTINELtoken"]
    [secret_object] = rendered.of_kind("Secret")
    stored = {base64.b64decode(v).decode() for v in secret_object["data"].values()}
    assert stored == set(secrets)
    for obj in rendered.objects:
        if obj["kind"] == "Secret":
            continue
        text = json.dumps(obj)
        for secret in secrets:
            assert secret not in text, f"{obj['kind']}/{obj['metadata']['name']} holds a secret"
            assert base64.b64encode(secret.encode()).decode() not in text
    secret_variables = {
        "SOVEREIGN_ROUTER_DATABASE_URL",
        "ANTHROPIC_API_KEY",
        "SOVEREIGN_ROUTER_OIDC__CLIENT_SECRET",
        "SOVEREIGN_ROUTER_REDIS_URL",
        "HF_TOKEN",
    }
    containers = [router_container(rendered)]
    containers += [pod_spec(d)["containers"][0] for d in vllm_deployments(rendered)]
    seen = set()
    for container in containers:
        for name, item in env_of(container).items():
            if name in secret_variables:
                assert set(item) == {"name", "valueFrom"}, item
                assert (
                    item["valueFrom"]["secretKeyRef"]["name"] == secret_object["metadata"]["name"]
                )
                seen.add(name)
    assert seen == secret_variables
    # And the pods roll when a secret changes.
    annotations = router_deployment(rendered)["spec"]["template"]["metadata"]["annotations"]
    assert len(annotations["checksum/secret"]) == 64


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_no_secret_material_in_any_configmap(example: str) -> None:
    for configmap in render_example(example).of_kind("ConfigMap"):
        text = json.dumps(configmap["data"]).lower()
        for word in ("api_key", "apikey", "password", "client_secret", "sk-ant-", "hf_"):
            assert word not in text, (configmap["metadata"]["name"], word)


# --- Policy -------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_rendered_policy_loads_in_the_router_and_keeps_phi_heavy_on_premises(
    example: str, tmp_path: Path
) -> None:
    policy = loaded_policy(render_example(example), tmp_path)
    assert set(policy.tiers) == set(Tier)
    for route_name in policy.tiers[Tier.PHI_HEAVY]:
        assert policy.routes[route_name].data_boundary is DataBoundary.ON_PREM
    for tier in (Tier.SOMETIMES_PHI, Tier.NON_PHI):
        for route_name in policy.tiers[tier]:
            route = policy.routes[route_name]
            if tier is Tier.SOMETIMES_PHI and not route.is_on_prem:
                assert route.baa is not None, route_name
            assert not route.managed


def test_trial_policy_gives_every_tier_an_enabled_route(tmp_path: Path) -> None:
    policy = loaded_policy(render_example("trial"), tmp_path)
    for tier in Tier:
        enabled = [name for name in policy.tiers[tier] if policy.routes[name].enabled]
        assert enabled, f"tier {tier} has no enabled route"
    for workload in policy.workloads.values():
        for model in workload.models:
            assert policy.models[model].routes


@pytest.mark.parametrize("example", ["trial", "production-vllm"])
def test_vllm_models_become_on_premises_routes(example: str, tmp_path: Path) -> None:
    rendered = render_example(example)
    policy = loaded_policy(rendered, tmp_path)
    models = example_values(example)["vllm"]["models"]
    assert models
    for name, spec in models.items():
        route = policy.routes[f"vllm-{name}"]
        service = f"{FULLNAME}-vllm-{name}"
        assert route.kind.value == "openai_compatible"
        assert route.data_boundary is DataBoundary.ON_PREM
        assert route.endpoints == (f"http://{service}:8000/v1",)
        assert route.model == spec.get("servedModelName", name)
        assert rendered.one("Service", service)["spec"]["ports"][0]["port"] == 8000
    configmap = rendered.one("ConfigMap", f"{FULLNAME}-policy")
    assert "generated-vllm-routes.yaml" in configmap["data"]


def test_policy_from_an_existing_configmap() -> None:
    values = example_values("production-bedrock")
    values["policy"] = {"existingConfigMap": "hospital-ai-policy"}
    rendered = render(values)
    assert rendered.of_kind("ConfigMap") == [rendered.one("ConfigMap", f"{FULLNAME}-dashboard")]
    volumes = {v["name"]: v for v in pod_spec(router_deployment(rendered))["volumes"]}
    assert volumes["policy"]["configMap"]["name"] == "hospital-ai-policy"


def test_raw_policy_files_are_added_beside_the_rendered_ones(tmp_path: Path) -> None:
    values = example_values("trial")
    values["policy"]["files"] = {
        "settings-mfa.yaml": "apiVersion: sovereign-router/v1\nmfa_values: [mfa, hwk]\n"
    }
    policy = loaded_policy(render(values), tmp_path)
    assert policy.mfa_values == ("mfa", "hwk")


# --- Network policy -----------------------------------------------------------------------------


def ip_blocks(rule: dict[str, Any]) -> set[str]:
    return {peer["ipBlock"]["cidr"] for peer in rule.get("to", []) if "ipBlock" in peer}


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_router_egress_is_limited_to_what_the_values_name(example: str) -> None:
    values = example_values(example)
    rendered = render_example(example)
    policy = rendered.one("NetworkPolicy", FULLNAME)["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    pod_labels = router_deployment(rendered)["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= pod_labels.items()
    allowed_cidrs: set[str] = set(values.get("egressProxy", {}).get("cidrs", []))
    for destination in values.get("networkPolicy", {}).get("egress", {}).values():
        if isinstance(destination, dict):
            allowed_cidrs |= set(destination.get("cidrs", []))
    rendered_cidrs: set[str] = set()
    for rule in policy["egress"]:
        # Every rule names its destinations and ports: nothing is open to everything.
        assert rule.get("to"), rule
        assert rule.get("ports"), rule
        rendered_cidrs |= ip_blocks(rule)
    assert rendered_cidrs == allowed_cidrs
    for cidr in rendered_cidrs:
        assert ipaddress.ip_network(cidr).prefixlen >= 16, cidr
    dns = policy["egress"][0]
    assert dns["to"] == [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }
    ]
    assert {p["port"] for p in dns["ports"]} == {53}


def test_router_egress_reaches_vllm_database_idp_and_proxy() -> None:
    rendered = render_example("production-vllm")
    egress = rendered.one("NetworkPolicy", FULLNAME)["spec"]["egress"]
    by_port = {tuple(p["port"] for p in rule["ports"]): rule for rule in egress}
    vllm_pod_labels = vllm_deployments(rendered)[0]["spec"]["template"]["metadata"]["labels"]
    vllm_rule = by_port[(8000,)]
    assert vllm_rule["to"][0]["podSelector"]["matchLabels"].items() <= vllm_pod_labels.items()
    assert ip_blocks(by_port[(5432,)]) == {"10.30.0.0/28"}
    assert ip_blocks(by_port[(443,)]) == {"10.20.0.10/32", "10.20.0.11/32"}
    assert by_port[(6379,)]["to"] == [
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "redis"}}}
    ]
    proxy = by_port[(3128,)]["to"][0]
    assert proxy["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "egress"}
    env = env_of(router_container(rendered))
    assert env["HTTPS_PROXY"]["value"] == "http://egress-proxy.egress.svc:3128"
    no_proxy = env["NO_PROXY"]["value"].split(",")
    assert {f"{FULLNAME}-vllm-clinical-70b", "login.hospital.example", ".svc"} <= set(no_proxy)
    ingress = rendered.one("NetworkPolicy", FULLNAME)["spec"]["ingress"]
    assert len(ingress[0]["from"]) == 3


def test_bedrock_egress_goes_to_the_vpc_endpoints_only() -> None:
    rendered = render_example("production-bedrock")
    egress = rendered.one("NetworkPolicy", FULLNAME)["spec"]["egress"]
    assert "HTTPS_PROXY" not in env_of(router_container(rendered))
    # No in-house models: no rule towards vLLM pods.
    assert all(port["port"] != 8000 for rule in egress for port in rule["ports"])
    assert {cidr for rule in egress for cidr in ip_blocks(rule)} == {
        "10.0.8.0/28",
        "10.0.32.0/24",
        "10.0.64.0/26",
    }


def test_vllm_pods_take_traffic_from_the_router_only() -> None:
    rendered = render_example("production-vllm")
    policy = rendered.one("NetworkPolicy", f"{FULLNAME}-vllm")["spec"]
    router_labels = router_deployment(rendered)["spec"]["template"]["metadata"]["labels"]
    [rule] = policy["ingress"]
    assert rule["from"][0]["podSelector"]["matchLabels"].items() <= router_labels.items()
    assert rule["from"][1] == {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}
    }
    assert rule["ports"] == [{"protocol": "TCP", "port": "http"}]
    assert len(policy["egress"]) == 1  # DNS only: the weights are on the model store
    for deployment in vllm_deployments(rendered):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert policy["podSelector"]["matchLabels"].items() <= labels.items()


# --- vLLM ---------------------------------------------------------------------------------------


def test_vllm_deployment_serves_the_model_on_gpus() -> None:
    rendered = render_example("production-vllm")
    deployment = rendered.one("Deployment", f"{FULLNAME}-vllm-clinical-70b")
    spec = pod_spec(deployment)
    [container] = spec["containers"]
    assert container["image"] == "vllm/vllm-openai:v0.12.0"
    args = container["args"]
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    assert pairs == {
        "--model": "meta-llama/Llama-3.3-70B-Instruct",
        "--served-model-name": "llama-3.3-70b-instruct",
        "--tensor-parallel-size": "4",
        "--port": "8000",
        "--max-model-len": "32768",
        "--gpu-memory-utilization": "0.92",
    }
    assert container["resources"]["requests"]["nvidia.com/gpu"] == 4
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 4
    assert spec["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in spec[
        "tolerations"
    ]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/health", "port": "http"}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["model-cache"]["persistentVolumeClaim"]["claimName"] == "model-store"
    assert volumes["shm"]["emptyDir"]["medium"] == "Memory"
    env = env_of(container)
    assert env["HF_HUB_OFFLINE"]["value"] == "1"
    assert env["VLLM_NO_USAGE_STATS"]["value"] == "1"
    # Shared cache (existing claim): no PVC rendered, rolling one pod at a time.
    assert rendered.of_kind("PersistentVolumeClaim") == []
    assert deployment["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 0, "maxUnavailable": 1}
    general = rendered.one("Deployment", f"{FULLNAME}-vllm-general-8b")
    assert general["spec"]["replicas"] == 2


@pytest.mark.parametrize("example", ["trial", "production-vllm"])
def test_every_vllm_model_has_a_service_and_metrics(example: str) -> None:
    rendered = render_example(example)
    monitoring = example_values(example).get("metrics", {}).get("serviceMonitor", {}).get("enabled")
    for deployment in vllm_deployments(rendered):
        name = deployment["metadata"]["name"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        service = rendered.one("Service", name)
        assert service["spec"]["selector"] == selector
        if monitoring:
            monitor = rendered.one("ServiceMonitor", name)
            assert monitor["spec"]["selector"]["matchLabels"] == selector
            assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"
            assert monitor["spec"]["endpoints"][0]["port"] == service["spec"]["ports"][0]["name"]


def test_disabled_vllm_model_renders_nothing() -> None:
    values = example_values("production-vllm")
    values["vllm"]["models"]["general-8b"]["enabled"] = False
    values["policy"]["tiers"] = {
        "phi_heavy": ["vllm-clinical-70b"],
        "non_phi": ["claude-anthropic"],
    }
    values["policy"]["models"]["chat"]["routes"] = ["claude-anthropic"]
    values["policy"]["models"]["clinical"]["routes"] = ["vllm-clinical-70b"]
    rendered = render(values)
    assert [d["metadata"]["name"] for d in vllm_deployments(rendered)] == [
        f"{FULLNAME}-vllm-clinical-70b"
    ]


# --- Availability -------------------------------------------------------------------------------


def test_production_scales_spreads_and_survives_disruption() -> None:
    rendered = render_example("production-vllm")
    deployment = router_deployment(rendered)
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert "replicas" not in deployment["spec"]  # the HPA owns it
    assert deployment["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
    }
    hpa = rendered.one("HorizontalPodAutoscaler", FULLNAME)["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 10)
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": FULLNAME,
    }
    pdb = rendered.one("PodDisruptionBudget", FULLNAME)["spec"]
    assert pdb["maxUnavailable"] == 1
    assert pdb["selector"]["matchLabels"].items() <= pod_labels.items()
    spread = pod_spec(deployment)["topologySpreadConstraints"]
    assert {c["topologyKey"] for c in spread} == {
        "topology.kubernetes.io/zone",
        "kubernetes.io/hostname",
    }
    for constraint in spread:
        assert constraint["labelSelector"]["matchLabels"].items() <= pod_labels.items()
        assert constraint["matchLabelKeys"] == ["pod-template-hash"]
    service = rendered.one("Service", FULLNAME)["spec"]
    assert service["selector"].items() <= pod_labels.items()
    ingress = rendered.one("Ingress", FULLNAME)["spec"]
    assert ingress["tls"] == [
        {"secretName": "ai-router-tls", "hosts": ["ai-router.hospital.example"]}
    ]
    backend = ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": FULLNAME, "port": {"number": service["ports"][0]["port"]}}


def test_policy_change_rolls_the_pods() -> None:
    values = example_values("trial")
    before = router_deployment(render(values))["spec"]["template"]["metadata"]["annotations"]
    values["policy"]["workloads"]["general"]["description"] = "Changed."
    after = router_deployment(render(values))["spec"]["template"]["metadata"]["annotations"]
    assert before["checksum/policy"] != after["checksum/policy"]


# --- Monitoring ---------------------------------------------------------------------------------


def test_prometheus_rule_ships_the_alert_rules() -> None:
    rendered = render_example("production-vllm")
    rule = rendered.one("PrometheusRule", FULLNAME)
    assert rule["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert rule["spec"] == {"groups": load_values(CHART_RULES)["groups"]}
    monitor = rendered.one("ServiceMonitor", FULLNAME)["spec"]
    assert monitor["endpoints"][0]["port"] == "http"
    assert monitor["endpoints"][0]["path"] == "/metrics"
    assert (
        monitor["selector"]["matchLabels"] == rendered.one("Service", FULLNAME)["spec"]["selector"]
    )


def test_grafana_dashboard_configmap_ships_the_dashboard() -> None:
    rendered = render_example("production-vllm")
    configmap = rendered.one("ConfigMap", f"{FULLNAME}-dashboard")
    assert configmap["metadata"]["namespace"] == "monitoring"
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert configmap["metadata"]["annotations"] == {"grafana_folder": "Governance"}
    shipped = json.loads(configmap["data"]["sovereign-router.json"])
    assert shipped == json.loads(CHART_DASHBOARD.read_text(encoding="utf-8"))


def test_monitoring_objects_are_off_by_default() -> None:
    kinds = {obj["kind"] for obj in render_example("trial").objects}
    assert not kinds & CUSTOM_RESOURCE_KINDS
    assert [c["metadata"]["name"] for c in render_example("trial").of_kind("ConfigMap")] == [
        f"{FULLNAME}-policy"
    ]


def test_notes_warn_about_a_trial() -> None:
    notes = render_example("trial").notes
    assert "WARNING: the router uses SQLite" in notes
    assert f"kubectl -n {NAMESPACE} rollout status deployment/{FULLNAME}" in notes
    assert "WARNING" not in render_example("production-vllm").notes
