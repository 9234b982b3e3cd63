"""`sovereign-router serve` as a child process, for tests where signals and stderr matter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from router.identity.api_keys import ApiKeyStore, KeyScope
from router.storage.db import Database
from router.supervisor import free_port

SERVE = [str(Path(sys.executable).with_name("sovereign-router")), "serve"]


@dataclass
class ServeProcess:
    process: subprocess.Popen[bytes]
    url: str
    key: str
    database_url: str
    stderr_file: Path

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def stderr(self) -> str:
        return self.stderr_file.read_text(errors="replace")

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)


def _issue_key(database_url: str) -> str:
    database = Database(database_url)
    try:
        database.migrate()
        return ApiKeyStore(database).create("serve-test", KeyScope(workloads=("general",))).secret
    finally:
        database.dispose()


@contextmanager
def serve_process(directory: Path, policy_dir: Path, **environment: str) -> Iterator[ServeProcess]:
    """Start `serve` on a free port with its own data directory; kill it if the test did not
    stop it. `environment` adds `SOVEREIGN_ROUTER_*` variables."""
    data_dir = directory / "data"
    database_url = f"sqlite:///{data_dir / 'router.db'}"
    data_dir.mkdir(parents=True, exist_ok=True)
    key = _issue_key(database_url)
    port = free_port("127.0.0.1")
    env = {
        **os.environ,
        "SOVEREIGN_ROUTER_DATA_DIR": str(data_dir),
        "SOVEREIGN_ROUTER_POLICY_DIR": str(policy_dir),
        "SOVEREIGN_ROUTER_PORT": str(port),
        "SOVEREIGN_ROUTER_LOCAL_MODEL__AUTOSTART": "false",
        **environment,
    }
    stderr_file = directory / "serve.stderr"
    with stderr_file.open("wb") as stderr:
        process = subprocess.Popen(SERVE, env=env, stdout=stderr, stderr=stderr)
    running = ServeProcess(process, f"http://127.0.0.1:{port}", key, database_url, stderr_file)
    try:
        _wait_until_ready(running)
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def _wait_until_ready(running: ServeProcess, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise RuntimeError(f"serve exited early:\n{running.stderr()[-2000:]}")
        try:
            if httpx.get(f"{running.url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"serve did not become ready:\n{running.stderr()[-2000:]}")
