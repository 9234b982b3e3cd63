"""Run `sovereign-router serve` as a real subprocess, configured through the environment."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from router.identity.api_keys import ApiKeyStore, KeyScope
from router.storage.db import Database
from router.supervisor import free_port

CLI = Path(sys.executable).with_name("sovereign-router")


@dataclass(frozen=True)
class ServedRouter:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def key(self, *workloads: str) -> str:
        """A key made in the router's own database (the server migrated it at start)."""
        database = Database(f"sqlite:///{self.data_dir / 'router.db'}")
        try:
            scope = KeyScope(workloads=workloads or ("general",))
            return ApiKeyStore(database, 0).create("serve-test", scope).secret
        finally:
            database.dispose()


def router_environment(data_dir: Path, policy_dir: Path, **settings: str) -> dict[str, str]:
    """The test process's environment less any router setting, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOVEREIGN_ROUTER_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env |= {
        "SOVEREIGN_ROUTER_DATA_DIR": str(data_dir),
        "SOVEREIGN_ROUTER_POLICY_DIR": str(policy_dir),
        "SOVEREIGN_ROUTER_LOG_LEVEL": "warning",
        **{f"SOVEREIGN_ROUTER_{name.upper()}": value for name, value in settings.items()},
    }
    return env


def run_serve(
    env: Mapping[str, str], *args: str, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Run `serve` expecting it to exit by itself (a refusal to start)."""
    return subprocess.run(
        [str(CLI), "serve", *args], env=dict(env), capture_output=True, text=True, timeout=timeout
    )


@contextmanager
def serving(
    env: Mapping[str, str],
    data_dir: Path,
    *args: str,
    scheme: str = "http",
    verify: ssl.SSLContext | bool = True,
    timeout: float = 120,
) -> Iterator[ServedRouter]:
    """Start `serve`, wait until /healthz answers, and stop it with SIGTERM afterwards."""
    port = free_port("127.0.0.1")
    log = (data_dir.parent / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(CLI), "serve", "--port", str(port), *args],
        env=dict(env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"{scheme}://127.0.0.1:{port}"
    try:
        _wait_until_up(process, url, verify, timeout)
        yield ServedRouter(url=url, data_dir=data_dir, process=process)
    finally:
        stop(process, grace_seconds=30)
        log.close()


def stop(process: subprocess.Popen[bytes], grace_seconds: float) -> None:
    """SIGTERM first, so the process drains and exits as it would in production; SIGKILL if it
    has not exited within the grace period."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_up(
    process: subprocess.Popen[bytes], url: str, verify: ssl.SSLContext | bool, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited with {process.returncode} during start-up")
        try:
            if httpx.get(f"{url}/healthz", verify=verify, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("serve did not answer /healthz in time")
