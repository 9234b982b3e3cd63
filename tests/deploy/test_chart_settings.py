"""Every setting the chart passes is one the router accepts, and the router starts on them.

The chart's environment is turned into a real process environment (secret references get
plausible values of the right shape; the audit key file is a real key file) and the router's
own `Settings` and app are built from it, so a misspelt or unknown variable, a
value of the wrong type, or a production requirement the chart forgets fails here.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

import pytest

from router.app import create_app
from router.phi import Classifier
from router.settings import Settings
from tests.deploy.support import (
    EXAMPLE_NAMES,
    RELEASE,
    Rendered,
    env_of,
    example_values,
    pod_spec,
    render_error,
    render_example,
)

FULLNAME = f"{RELEASE}-sovereign-router"

SECRET_SAMPLES = {
    "SOVEREIGN_ROUTER_DATABASE_URL": "postgresql+psycopg://router@db:5432/router",
    "SOVEREIGN_ROUTER_OIDC__CLIENT_SECRET": "client-secret-from-the-idp",
    "SOVEREIGN_ROUTER_REDIS_URL": "redis://:password@redis:6379/0",
    "SOVEREIGN_ROUTER_GOVERNANCE__SESSION_SECRET": secrets.token_urlsafe(48),
    "ANTHROPIC_API_KEY": "sk-ant-sample",
    "HF_TOKEN": "hf_sample",
}


def _router_env(rendered: Rendered) -> dict[str, dict[str, Any]]:
    deployment = rendered.one("Deployment", f"{FULLNAME}")
    containers = pod_spec(deployment)["containers"]
    return env_of(next(c for c in containers if c["name"] == "router"))


def _policy_files(rendered: Rendered, directory: Path) -> Path:
    directory.mkdir()
    for file_name, content in rendered.one("ConfigMap", f"{FULLNAME}-policy")["data"].items():
        (directory / file_name).write_text(content, encoding="utf-8")
    return directory


def _process_env(chart_env: dict[str, dict[str, Any]], tmp_path: Path) -> dict[str, str]:
    environment: dict[str, str] = {}
    for name, entry in chart_env.items():
        if "value" in entry:
            environment[name] = str(entry["value"])
        else:
            assert name in SECRET_SAMPLES, f"no sample value for the secret variable {name}"
            environment[name] = SECRET_SAMPLES[name]
    if "SOVEREIGN_ROUTER_AUDIT__KEY_FILE" in environment:
        key_file = tmp_path / "audit.key"
        key_file.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
        environment["SOVEREIGN_ROUTER_AUDIT__KEY_FILE"] = str(key_file)
    environment["SOVEREIGN_ROUTER_DATA_DIR"] = str(tmp_path / "data")
    return environment


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_the_router_accepts_every_setting_the_chart_passes(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, classifier: Classifier
) -> None:
    rendered = render_example(example)
    chart_env = _router_env(rendered)
    for name in list(os.environ):
        if name.startswith("SOVEREIGN_ROUTER_"):
            monkeypatch.delenv(name)
    environment = _process_env(chart_env, tmp_path)
    environment["SOVEREIGN_ROUTER_POLICY_DIR"] = str(_policy_files(rendered, tmp_path / "policy"))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.environment == chart_env["SOVEREIGN_ROUTER_ENVIRONMENT"]["value"]
    if settings.environment == "production":
        assert "SOVEREIGN_ROUTER_AUDIT__KEY_FILE" in chart_env
    # Builds every part the way `serve` does (nothing is connected until the app starts).
    app = create_app(settings, classifier=classifier)
    assert app.state.services.settings == settings


def test_production_with_the_dashboard_login_needs_a_session_secret() -> None:
    values = example_values("production-vllm")
    values["dashboardSession"] = {"secret": "", "existingSecret": ""}
    assert "dashboardSession.existingSecret" in render_error(values)
    values["dashboardSession"] = {"secret": "too-short"}
    assert "at least 32 characters" in render_error(values)
