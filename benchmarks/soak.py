"""A bounded soak: steady load with mixed tiers for a fixed time, faults injected on a cycle.

Two replicas of the fake upstream (`benchmarks/soak_upstream.py`, their own processes) serve
one on-premises route; `sovereign-router serve` (its own process, SQLite by default) sits in
front; this process sends an open-loop load at `--rate` requests a second: chats from three
workloads (non_phi, sometimes_phi, phi_heavy with a clinical note), a third of them streamed.
Every `--fault-every` seconds the next fault in the cycle starts and lasts `--fault-seconds`:
upstream 500s, a replica down (killed, then restarted), a policy reload.

At the end it stops the router with SIGTERM (it drains), counts the audit records against the
requests answered, runs `sovereign-router audit verify`, prints the figures and one JSON line,
and writes `benchmarks/results/soak.json` and `soak.png` (throughput, errors, p99, RSS).

    PYTHONPATH=. .venv/bin/python benchmarks/soak.py                       # 30 minutes
    PYTHONPATH=. .venv/bin/python benchmarks/soak.py --minutes 5 --fault-every 60
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import yaml
from sqlalchemy import text

from benchmarks import soak_report
from benchmarks.processes import VENV_BIN, create_api_key, pick_port, running
from benchmarks.soak_report import Sample, SoakResult
from router.storage.db import Database
from tests.storage.databases import postgres_url

RESULTS = Path(__file__).with_name("results")
WORKLOADS = {"general": "non_phi", "members": "sometimes_phi", "clinical": "phi_heavy"}
PROMPTS = {
    "general": "Summarise the hospital's visitor policy in two sentences.",
    "members": "Please move the appointment for member Jane Doe, phone 617-555-0142.",
    "clinical": "Patient John Smith, MRN 12345678, admitted with chest pain; metoprolol "
    "started for hypertension. Draft the discharge summary.",
}
FAULTS = ("upstream_500", "replica_down", "policy_reload")


def write_policy(directory: Path, replicas: list[str], version: int) -> None:
    """One on-prem route over both replicas and a spare over the same two; `version` flips
    the spare's replica order, so that each reload really installs a new policy."""
    route = {"kind": "openai_compatible", "model": "ok", "data_boundary": "on_prem"}
    spare = replicas if version % 2 == 0 else list(reversed(replicas))
    document = {
        "apiVersion": "sovereign-router/v1",
        "routes": {
            "local": {**route, "endpoints": replicas},
            "spare": {**route, "endpoints": spare},
        },
        "models": {"chat": {"routes": ["local", "spare"]}},
        "workloads": {name: {"tier": tier, "models": ["chat"]} for name, tier in WORKLOADS.items()},
        "tiers": {tier: ["local", "spare"] for tier in WORKLOADS.values()},
    }
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "policy.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


class Upstreams:
    """The two replica processes; one can be killed and brought back on its port."""

    def __init__(self, work: Path) -> None:
        self._work = work
        self.ports = [pick_port(), pick_port()]
        self._stack = contextlib.ExitStack()
        self._down: contextlib.ExitStack | None = None

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}/v1" for port in self.ports]

    def _start(self, port: int) -> contextlib.AbstractContextManager[object]:
        command = [sys.executable, "-m", "benchmarks.soak_upstream", "--port", str(port)]
        return running(command, f"http://127.0.0.1:{port}/v1/models", log_file=self._log)

    @property
    def _log(self) -> Path:
        return self._work / "upstream.log"

    def __enter__(self) -> Upstreams:
        self._stack.enter_context(self._start(self.ports[0]))
        self._down = contextlib.ExitStack()
        self._down.enter_context(self._start(self.ports[1]))
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._down is not None:
            self._down.close()
        self._stack.close()

    def kill_second(self) -> None:
        if self._down is not None:
            self._down.close()
            self._down = None

    def restart_second(self) -> None:
        if self._down is None:
            self._down = contextlib.ExitStack()
            self._down.enter_context(self._start(self.ports[1]))


class Faults:
    """Starts the next fault in the cycle on schedule, and ends it after its duration."""

    def __init__(self, upstreams: Upstreams, policy_dir: Path, every: float, lasts: float):
        self._upstreams = upstreams
        self._policy_dir = policy_dir
        self._every = every
        self._lasts = lasts
        self._cycle = itertools.cycle(FAULTS)
        self._policy_version = 0
        self.log: list[tuple[float, str]] = []

    async def run(self, started: float, deadline: float) -> None:
        while time.monotonic() + self._every < deadline:
            await asyncio.sleep(self._every)
            fault = next(self._cycle)
            self.log.append((time.monotonic() - started, fault))
            await asyncio.to_thread(self._begin, fault)
            if fault == "replica_down":
                await asyncio.sleep(self._lasts)
                await asyncio.to_thread(self._upstreams.restart_second)

    def _begin(self, fault: str) -> None:
        if fault == "upstream_500":
            for port in self._upstreams.ports:
                with contextlib.suppress(httpx.HTTPError):
                    httpx.post(f"http://127.0.0.1:{port}/fault/error-500?seconds={self._lasts}")
        elif fault == "replica_down":
            self._upstreams.kill_second()
        else:
            self._policy_version += 1
            write_policy(self._policy_dir, self._upstreams.urls, self._policy_version)


class Load:
    """Open loop: one request every 1/rate seconds, whatever the answers take."""

    def __init__(self, base_url: str, tokens: dict[str, str], rate: float) -> None:
        self._base_url = base_url
        self._tokens = tokens
        self._rate = rate
        self._random = random.Random(7)
        self.latencies: list[tuple[float, float, int]] = []  # (sent at, seconds, status)
        self.transport_errors = 0

    async def run(self, started: float, deadline: float) -> None:
        limits = httpx.Limits(max_connections=500, max_keepalive_connections=100)
        async with httpx.AsyncClient(timeout=60, limits=limits) as client:
            tasks = set()
            for index in itertools.count():
                due = started + index / self._rate
                if due >= deadline:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                task = asyncio.create_task(self._one(client, started))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            await asyncio.gather(*tasks)

    async def _one(self, client: httpx.AsyncClient, started: float) -> None:
        workload = self._random.choice(list(WORKLOADS))
        stream = self._random.random() < 1 / 3
        body = {
            "model": "chat",
            "messages": [{"role": "user", "content": PROMPTS[workload]}],
            "stream": stream,
        }
        headers = {"authorization": f"Bearer {self._tokens[workload]}"}
        sent = time.monotonic()
        try:
            async with client.stream(
                "POST", f"{self._base_url}/chat/completions", json=body, headers=headers
            ) as response:
                text = (await response.aread()).decode(errors="replace")
                status = response.status_code
                if status == 200 and stream and '"error"' in text:
                    status = 502  # the stream ended with an error event
        except httpx.HTTPError:
            self.transport_errors += 1
            return
        self.latencies.append((sent - started, time.monotonic() - sent, status))


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def sample_rss(pid: int, started: float, deadline: float, into: list[Sample]) -> None:
    while time.monotonic() < deadline:
        into.append(Sample(time.monotonic() - started, rss_bytes(pid)))
        await asyncio.sleep(5)


async def soak(
    base_url: str, pid: int, args: argparse.Namespace, faults: Faults, tokens: dict[str, str]
) -> tuple[Load, list[Sample]]:
    load = Load(base_url, tokens, args.rate)
    rss: list[Sample] = []
    started = time.monotonic()
    deadline = started + args.minutes * 60
    await asyncio.gather(
        load.run(started, deadline),
        faults.run(started, deadline),
        sample_rss(pid, started, deadline, rss),
    )
    rss.append(Sample(time.monotonic() - started, rss_bytes(pid)))
    return load, rss


def audit_verify(env: dict[str, str]) -> tuple[bool, str]:
    completed = subprocess.run(
        [str(VENV_BIN / "sovereign-router"), "audit", "verify"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode == 0, (completed.stdout + completed.stderr).strip()


def audit_count(database_url: str) -> tuple[int, int]:
    """(records, records never completed) in the router's store."""
    database = Database(database_url)
    try:
        with database.engine.connect() as connection:
            records = connection.execute(text("select count(*) from audit_records")).scalar()
            incomplete = connection.execute(
                text("select count(*) from audit_records where completed_at is null")
            ).scalar()
    finally:
        database.dispose()
    return int(records or 0), int(incomplete or 0)


@contextlib.contextmanager
def database(use_postgres: bool) -> Iterator[str | None]:
    if not use_postgres:
        yield None
        return
    with postgres_url("bench") as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=20.0, help="requests a second")
    parser.add_argument("--fault-every", type=float, default=180.0, help="seconds between faults")
    parser.add_argument("--fault-seconds", type=float, default=30.0, help="how long each lasts")
    parser.add_argument("--postgres", action="store_true", help="audit to PostgreSQL (5432)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sr-soak-") as tmp, database(args.postgres) as db_url:
        work = Path(tmp)
        with Upstreams(work) as upstreams:
            policy_dir = work / "policy"
            write_policy(policy_dir, upstreams.urls, 0)
            env = {
                "SOVEREIGN_ROUTER_DATA_DIR": str(work / "data"),
                "SOVEREIGN_ROUTER_POLICY_DIR": str(policy_dir),
                "SOVEREIGN_ROUTER_LOCAL_MODEL__AUTOSTART": "false",
                "SOVEREIGN_ROUTER_LOG_LEVEL": "warning",
                "SOVEREIGN_ROUTER_UPSTREAM__HEALTH_CHECK_INTERVAL_SECONDS": "2",
                "SOVEREIGN_ROUTER_UPSTREAM__UNHEALTHY_COOLDOWN_SECONDS": "5",
            }
            if db_url:
                env["SOVEREIGN_ROUTER_DATABASE_URL"] = db_url
            port = pick_port()
            command = [str(VENV_BIN / "sovereign-router"), "serve", "--port", str(port)]
            url = f"http://127.0.0.1:{port}"
            tokens = {}
            with running(command, f"{url}/readyz", env=env, log_file=work / "router.log") as proc:
                tokens = {w: create_api_key(env, w) for w in WORKLOADS}
                faults = Faults(upstreams, policy_dir, args.fault_every, args.fault_seconds)
                load, rss = asyncio.run(soak(f"{url}/v1", proc.pid, args, faults, tokens))
            # `running` stopped the router with SIGTERM: it drained and closed every record.
            exit_code = proc.returncode
            records, incomplete = audit_count(db_url or f"sqlite:///{work / 'data' / 'router.db'}")
            verified, verify_output = audit_verify(env)
        result = SoakResult.build(
            args,
            load.latencies,
            load.transport_errors,
            rss,
            faults.log,
            records,
            incomplete,
            verified,
            verify_output,
            exit_code,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(result.as_dict(), indent=2))
    soak_report.plot(result, load.latencies, rss, RESULTS / "soak.png")
    print(soak_report.table(result))
    print(json.dumps(result.headline()))


if __name__ == "__main__":
    main()
