"""Servers under measurement run in processes of their own, started and stopped here."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import httpx

from router.supervisor import free_port
from tests.support.serve_process import stop

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def wait_until_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} while starting")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s")


@contextlib.contextmanager
def running(
    command: Sequence[str],
    ready_url: str,
    *,
    env: Mapping[str, str] | None = None,
    log_file: Path,
    timeout: float = 180.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `command`, wait until `ready_url` answers 200, and stop it (SIGTERM) afterwards."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            list(command),
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
    try:
        wait_until_ready(ready_url, process, timeout)
        yield process
    finally:
        stop(process, grace_seconds=20)


def create_api_key(env: Mapping[str, str], workload: str) -> str:
    """A key made with the CLI, as an operator would; the secret is the line it prints once."""
    output = subprocess.run(
        [
            str(VENV_BIN / "sovereign-router"),
            "keys",
            "create",
            "--name",
            "bench",
            "--workload",
            workload,
        ],
        env={**os.environ, **env},
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    secrets = [line.strip() for line in output.splitlines() if line.strip().startswith("srk_")]
    if not secrets:
        raise RuntimeError("`keys create` printed no key")
    return secrets[0]


def pick_port() -> int:
    return free_port("127.0.0.1")
