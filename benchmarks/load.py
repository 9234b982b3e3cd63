"""Load generation and process accounting for the overhead harness.

Closed-loop load comes from `wrk` (its own process, one thread); time to first token and the
open-loop runs come from an async client in this process, which the targets do not share.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from benchmarks.first_token import FirstTokenClient

LUA_SCRIPT = Path(__file__).with_name("wrk_report.lua")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    cpu_ms_per_request: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    url: str, body_file: Path, token: str, connections: int, seconds: float, pid: int
) -> LoadResult:
    """Closed loop: `connections` clients, each sending its next request on an answer."""
    cpu_before = tree_cpu_seconds(pid)
    completed = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{round(seconds)}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA_SCRIPT),
            url,
        ],
        env={**os.environ, "WRK_BODY_FILE": str(body_file), "WRK_TOKEN": token},
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = tree_cpu_seconds(pid) - cpu_before
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    requests = int(report["requests"])
    return LoadResult(
        requests=requests,
        seconds=report["duration_us"] / 1e6,
        p50_ms=report["p50_us"] / 1000,
        p90_ms=report["p90_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        errors=int(report["socket_errors"]) + int(report["non_2xx"]),
        cpu_ms_per_request=cpu * 1000 / requests if requests else 0.0,
    )


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(child) for child in task.read_text().split()]
    return children


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants: a proxy may run its server in worker processes."""
    tree = [pid]
    for child in _children(pid):
        tree += process_tree(child)
    return tree


def tree_cpu_seconds(pid: int) -> float:
    total = 0
    for member in process_tree(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
    return total / _CLOCK_TICKS


def tree_memory_kib(pid: int) -> tuple[int, int]:
    """Resident set now and at its peak (VmHWM), summed over the process tree."""
    rss = peak = 0
    for member in process_tree(pid):
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1])
            elif line.startswith("VmHWM:"):
                peak += int(line.split()[1])
    return rss, peak


def request_headers(token: str) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def first_token_ms(url: str, body: bytes, token: str, count: int) -> list[float]:
    """Time from sending a streaming request to its first content chunk, one at a time, from a
    raw-socket client (`first_token.py`): httpx's own CPU per request inflated every target's
    figure by up to milliseconds when the machine was busy."""
    client = FirstTokenClient(url, body, token)
    try:
        return [client.time_ms() for _ in range(count)]
    finally:
        client.close()


@dataclass(frozen=True)
class OpenLoopResult:
    rate: float
    sent: int
    p50_ms: float
    p99_ms: float
    errors: int


async def _open_loop(
    url: str, body: bytes, token: str, rate: float, seconds: float
) -> OpenLoopResult:
    headers = request_headers(token)
    latencies: list[float] = []
    errors = 0
    # aiohttp, not httpx: httpx's pool grows slower with every queued request, so at high
    # rates the load generator, not the target, fell behind (a run stalled for minutes).
    connector = aiohttp.TCPConnector(limit=512)
    timeout = aiohttp.ClientTimeout(total=10.0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:

        async def one(intended: float) -> None:
            nonlocal errors
            try:
                async with client.post(url, data=body, headers=headers) as response:
                    await response.read()
                    ok = response.status == 200
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            # Measured from when the request was due, not when it went out: a target that
            # falls behind is charged for the queue it builds (no coordinated omission).
            latencies.append((time.perf_counter() - intended) * 1000)
            errors += 0 if ok else 1

        start = time.perf_counter()
        total = int(rate * seconds)
        tasks = []
        for index in range(total):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(due)))
        await asyncio.gather(*tasks)
    ordered = sorted(latencies)
    return OpenLoopResult(
        rate=rate,
        sent=total,
        p50_ms=statistics.median(ordered),
        p99_ms=ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        errors=errors,
    )


def open_loop(url: str, body: bytes, token: str, rate: float, seconds: float) -> OpenLoopResult:
    """Open loop: requests leave at a fixed rate whether or not earlier ones have answered."""
    return asyncio.run(_open_loop(url, body, token, rate, seconds))
