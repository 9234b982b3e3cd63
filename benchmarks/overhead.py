"""The router's cost against a direct call and against LiteLLM's proxy, side by side.

One instant upstream (its own process); each target started in turn in front of it and loaded by
`wrk` (its own process) with the same request mix: a short chat, ~2,000-token clinical notes (a
different one each request) and a streamed chat. Prints a table, writes
`benchmarks/results/overhead.json` and a PNG chart, and ends with one JSON line of the headline
figures.

    PYTHONPATH=. .venv/bin/python benchmarks/overhead.py            # full run, about 25 minutes
    PYTHONPATH=. .venv/bin/python benchmarks/overhead.py --quick    # under 5 minutes
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from benchmarks import load, overhead_report
from benchmarks.phi_eval import distinct_long_requests
from benchmarks.targets import (
    Target,
    instant_upstream,
    litellm_proxy,
    router,
)
from tests.storage.databases import postgres_url

RESULTS = Path(__file__).with_name("results")
SHORT = {
    "model": "chat",
    "messages": [
        {"role": "user", "content": "What are the visiting hours on the cardiology ward?"}
    ],
    "max_tokens": 32,
}
STREAM = {**SHORT, "stream": True, "stream_options": {"include_usage": True}}
# Notes sent in turn: more messages than the PHI field cache holds (4,096 fields by default), so
# every note is scanned as new, as a documentation app's notes are.
DISTINCT_NOTES = 1000


@dataclass(frozen=True)
class Scenario:
    name: str
    bodies: tuple[dict[str, object], ...]  # sent in turn, one a request
    workload: str  # the workload a real caller of this kind would use

    def body_file(self) -> bytes:
        """One body a line, as `wrk_report.lua` reads them."""
        return b"\n".join(orjson.dumps(body) for body in self.bodies)


def scenarios() -> list[Scenario]:
    notes = tuple(
        {**note, "model": "chat", "max_tokens": 32}
        for note in distinct_long_requests(DISTINCT_NOTES, 2000)
    )
    return [
        Scenario("short", (SHORT,), "general"),
        Scenario("clinical_note", notes, "clinical"),
        Scenario("stream", (STREAM,), "general"),
    ]


@dataclass(frozen=True)
class Plan:
    scenarios: list[Scenario]
    concurrency: tuple[int, ...]
    seconds: float
    first_token_samples: int
    open_loop_rates: tuple[float, ...]
    open_loop_seconds: float
    leak_requests: int
    targets: tuple[str, ...]
    leak_seconds_cap: float = 240.0


def plan_for(quick: bool) -> Plan:
    every = scenarios()
    if quick:
        return Plan(
            [every[0], every[2]],
            (1, 64),
            5.0,
            50,
            (),
            0.0,
            0,
            ("direct", "router-sqlite", "litellm"),
        )
    return Plan(
        every,
        (1, 16, 64),
        10.0,
        200,
        (100, 200, 400, 800, 1600),
        5.0,
        100_000,
        ("direct", "router-sqlite", "router-postgres", "litellm"),
    )


def describe(plan: Plan) -> dict[str, object]:
    return {
        "scenarios": [scenario.name for scenario in plan.scenarios],
        "concurrency": plan.concurrency,
        "seconds_per_run": plan.seconds,
        "first_token_samples": plan.first_token_samples,
        "open_loop_rates": plan.open_loop_rates,
        "leak_requests": plan.leak_requests,
        "leak_seconds_cap": plan.leak_seconds_cap,
        "targets": plan.targets,
    }


@dataclass
class TargetResult:
    name: str
    closed_loop: dict[str, dict[int, load.LoadResult]] = field(default_factory=dict)
    first_token_ms: list[float] = field(default_factory=list)
    open_loop: list[load.OpenLoopResult] = field(default_factory=list)
    steady_rss_kib: int = 0
    peak_rss_kib: int = 0
    leak: dict[str, float] = field(default_factory=dict)


def write_bodies(work: Path, plan: Plan) -> dict[str, Path]:
    files = {}
    for scenario in plan.scenarios:
        files[scenario.name] = work / f"{scenario.name}.json"
        files[scenario.name].write_bytes(scenario.body_file())
    return files


def measure_target(target: Target, plan: Plan, bodies: dict[str, Path]) -> TargetResult:
    result = TargetResult(target.name)
    url = f"{target.base_url}/chat/completions"
    short = plan.scenarios[0]
    load.run_wrk(url, bodies[short.name], target.token(short.workload), 4, 3, target.pid)  # warm
    result.steady_rss_kib, _ = load.tree_memory_kib(target.pid)
    for scenario in plan.scenarios:
        runs = result.closed_loop.setdefault(scenario.name, {})
        for connections in plan.concurrency:
            runs[connections] = load.run_wrk(
                url,
                bodies[scenario.name],
                target.token(scenario.workload),
                connections,
                plan.seconds,
                target.pid,
            )
            print(
                f"  {target.name:16} {scenario.name:14} c={connections:<3} "
                f"p50 {runs[connections].p50_ms:7.2f} ms  p99 {runs[connections].p99_ms:7.2f} ms"
                f"  {runs[connections].rps:8.0f} req/s  errors {runs[connections].errors}",
                flush=True,
            )
    stream_body = bodies["stream"].read_bytes()
    result.first_token_ms = load.first_token_ms(
        url, stream_body, target.token("general"), plan.first_token_samples
    )
    for rate in plan.open_loop_rates:
        outcome = load.open_loop(
            url,
            bodies[short.name].read_bytes(),
            target.token(short.workload),
            rate,
            plan.open_loop_seconds,
        )
        result.open_loop.append(outcome)
        print(
            f"  {target.name:16} open loop {rate:6.0f}/s  p50 {outcome.p50_ms:7.2f} ms  "
            f"p99 {outcome.p99_ms:8.2f} ms  errors {outcome.errors}",
            flush=True,
        )
        if outcome.errors > outcome.sent * 0.01 or outcome.p99_ms > 1000:
            break  # past this target's breaking point
    if plan.leak_requests:
        result.leak = leak_check(target, url, bodies[short.name], short.workload, plan)
    _, result.peak_rss_kib = load.tree_memory_kib(target.pid)
    return result


def leak_check(target: Target, url: str, body: Path, workload: str, plan: Plan) -> dict[str, float]:
    """Resident memory before and after `leak_requests` more requests at concurrency 16."""
    before, _ = load.tree_memory_kib(target.pid)
    sent = 0
    # A slow target (LiteLLM's proxy at ~100 req/s) would take a quarter of an hour: it is
    # checked over what it serves in the time cap, and the count is reported.
    deadline = time.monotonic() + plan.leak_seconds_cap
    while sent < plan.leak_requests and time.monotonic() < deadline:
        run = load.run_wrk(url, body, target.token(workload), 16, 20, target.pid)
        sent += run.requests
    after, _ = load.tree_memory_kib(target.pid)
    return {
        "requests": sent,
        "rss_before_kib": before,
        "rss_after_kib": after,
        "growth_percent": (after - before) * 100 / before,
    }


def target_factories(
    work: Path, upstream: Target, workloads: tuple[str, ...]
) -> dict[str, Callable[[], AbstractContextManager[Target]]]:
    @contextlib.contextmanager
    def with_postgres() -> Iterator[Target]:
        with postgres_url("bench") as url, router(work, upstream, workloads, url) as target:
            yield target

    @contextlib.contextmanager
    def direct() -> Iterator[Target]:
        yield upstream

    return {
        "direct": direct,
        "router-sqlite": lambda: router(work, upstream, workloads),
        "router-postgres": with_postgres,
        "litellm": lambda: litellm_proxy(work, upstream),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a check that ends within 5 minutes")
    parser.add_argument("--chunks", type=int, default=20, help="chunks per streamed answer")
    parser.add_argument("--chunk-delay-ms", type=float, default=0.0)
    args = parser.parse_args()
    plan = plan_for(args.quick)
    work = Path(tempfile.mkdtemp(prefix="sr-overhead-"))
    bodies = write_bodies(work, plan)
    workloads = tuple(sorted({scenario.workload for scenario in plan.scenarios} | {"general"}))
    started = time.monotonic()
    results: dict[str, TargetResult] = {}
    with instant_upstream(work, args.chunks, args.chunk_delay_ms) as upstream:
        factories = target_factories(work, upstream, workloads)
        for name in plan.targets:
            print(f"measuring {name}", flush=True)
            with factories[name]() as target:
                results[name] = measure_target(target, plan, bodies)
    RESULTS.mkdir(exist_ok=True)
    summary = overhead_report.summarise(results, plan.concurrency)
    overhead_report.print_table(summary)
    (RESULTS / "overhead.json").write_text(
        json.dumps(
            {
                "plan": describe(plan),
                "summary": summary,
                "seconds": round(time.monotonic() - started),
            },
            indent=2,
            default=str,
        )
    )
    overhead_report.chart(results, RESULTS / "overhead.png")
    print(json.dumps(overhead_report.headline(summary)))


if __name__ == "__main__":
    main()
