"""The targets under measurement, each in its own process, all in front of one instant upstream.

- `direct`: the upstream itself, the floor.
- `router-sqlite`, `router-postgres`: `sovereign-router serve` with its full default pipeline
  (API key, PHI scan, decision, write-ahead audit, metrics) and the audit store named.
- `litellm`: LiteLLM's proxy (`litellm[proxy]`, in its own virtual environment made here on
  first use), no database, no guardrails, configured for the same upstream.
"""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks.processes import REPO, VENV_BIN, create_api_key, pick_port, running

LITELLM_VERSION = "1.105.3"
LITELLM_VENV = REPO / "benchmarks" / ".venv-litellm"


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str  # ends in /v1
    pid: int
    tokens: dict[str, str]  # workload -> bearer token; empty strings where none is needed

    def token(self, workload: str) -> str:
        return self.tokens.get(workload, "")


@contextlib.contextmanager
def instant_upstream(work: Path, chunks: int, delay_ms: float) -> Iterator[Target]:
    port = pick_port()
    command = [
        sys.executable,
        "-m",
        "benchmarks.instant_upstream",
        "--port",
        str(port),
        "--chunks",
        str(chunks),
        "--delay-ms",
        str(delay_ms),
    ]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/v1/models", log_file=work / "upstream.log") as process:
        yield Target("direct", f"{url}/v1", process.pid, {})


@contextlib.contextmanager
def router(
    work: Path,
    upstream: Target,
    workloads: tuple[str, ...],
    database_url: str | None = None,
    *,
    name: str | None = None,
    source: Path | None = None,
) -> Iterator[Target]:
    """`source`: a checkout of the router to run instead of this one (to compare builds)."""
    name = name or ("router-postgres" if database_url else "router-sqlite")
    env = {
        "SOVEREIGN_ROUTER_DATA_DIR": str(work / name),
        "SOVEREIGN_ROUTER_LOCAL_MODEL__URL": upstream.base_url,
        "SOVEREIGN_ROUTER_LOG_LEVEL": "warning",
    }
    if database_url:
        env["SOVEREIGN_ROUTER_DATABASE_URL"] = database_url
    if source is not None:
        env["PYTHONPATH"] = str(source)
    port = pick_port()
    command = [str(VENV_BIN / "sovereign-router"), "serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/readyz", env=env, log_file=work / f"{name}.log") as process:
        tokens = {workload: create_api_key(env, workload) for workload in workloads}
        yield Target(name, f"{url}/v1", process.pid, tokens)


def ensure_litellm() -> Path:
    """LiteLLM's proxy lives in a virtual environment of its own, apart from the router's."""
    executable = LITELLM_VENV / "bin" / "litellm"
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LITELLM_VENV)], check=True)
        subprocess.run(
            [
                str(LITELLM_VENV / "bin" / "pip"),
                "install",
                "--quiet",
                f"litellm[proxy]=={LITELLM_VERSION}",
            ],
            check=True,
        )
    return executable


@contextlib.contextmanager
def litellm_proxy(work: Path, upstream: Target) -> Iterator[Target]:
    executable = ensure_litellm()
    master_key = f"sk-{secrets.token_hex(32)}"  # auth on, as in the router: a fair comparison
    config = {
        "model_list": [
            {
                "model_name": "chat",
                "litellm_params": {
                    "model": "openai/instant",
                    "api_base": upstream.base_url,
                    "api_key": "unused",
                },
            }
        ],
        "litellm_settings": {"telemetry": False, "drop_params": True},
        "general_settings": {"master_key": master_key},
    }
    config_file = work / "litellm.yaml"
    config_file.write_text(yaml.safe_dump(config))
    port = pick_port()
    command = [
        str(executable),
        "--config",
        str(config_file),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--num_workers",
        "1",
    ]
    # A closed network: the proxy must use its bundled cost map instead of fetching one.
    env = {"LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR"}
    url = f"http://127.0.0.1:{port}"
    with running(
        command, f"{url}/health/liveliness", env=env, log_file=work / "litellm.log"
    ) as process:
        tokens = {workload: master_key for workload in ("general", "clinical")}
        yield Target("litellm", f"{url}/v1", process.pid, tokens)
