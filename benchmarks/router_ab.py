"""Two builds of the router side by side, in the same minutes: which one costs less per request?

On a shared machine, figures drift by tens of percent from one minute to the next, so one run
of each build apart proves nothing. Here both builds run at once, each in its own process on
its own fresh database, in front of one instant upstream, and `wrk` loads them in turn, round
after round (with the direct call measured in each round as the floor). Prints every run, then
the median of the rounds: router CPU ms per request (from `/proc`) first, added p50 and p99.
With `--first-token N` (streaming), each round also times N streamed requests per target, one at
a time, to their first content chunk (`first_token.py`: a raw socket, not httpx, whose own CPU
inflated every target's figure under load): the targets take turns request by request, so that
a burst of load from elsewhere hits them all alike. The report adds the median time to first
token over direct's, and how many requests' first token came more than 2 ms after direct's
median.

    PYTHONPATH=. .venv/bin/python benchmarks/router_ab.py --old /path/to/old/checkout \\
        --new . --rounds 6 --seconds 10 --concurrency 1 --concurrency 64
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from benchmarks import load
from benchmarks.first_token import FirstTokenClient
from benchmarks.overhead import Scenario, scenarios
from benchmarks.targets import Target, instant_upstream, router
from tests.storage.databases import postgres_url

SCENARIOS = ("short", "clinical_note", "stream")


@dataclass(frozen=True)
class Build:
    name: str
    source: Path


@contextlib.contextmanager
def started(
    work: Path, upstream: Target, build: Build, database: str, workload: str
) -> Iterator[Target]:
    with contextlib.ExitStack() as stack:
        url = None
        if database == "postgresql":
            url = stack.enter_context(postgres_url(f"ab_{build.name}"))
        yield stack.enter_context(
            router(work, upstream, (workload,), url, name=build.name, source=build.source)
        )


@dataclass
class Runs:
    load: dict[str, list[load.LoadResult]]
    first_token_ms: dict[str, list[float]]  # every sample of every round


def measure(
    targets: list[Target],
    scenario: Scenario,
    body: Path,
    connections: int,
    plan: argparse.Namespace,
) -> Runs:
    url_of = {target.name: f"{target.base_url}/chat/completions" for target in targets}
    runs = Runs({t.name: [] for t in targets}, {t.name: [] for t in targets})
    for round_number in range(plan.rounds):
        # Alternate the order too: the second of two back-to-back runs is not the first.
        ordered = targets if round_number % 2 == 0 else targets[::-1]
        for target in ordered:
            token = target.token(scenario.workload)
            run = load.run_wrk(
                url_of[target.name], body, token, connections, plan.seconds, target.pid
            )
            runs.load[target.name].append(run)
            print(
                f"  round {round_number + 1} c={connections:<3} {target.name:8} "
                f"p50 {run.p50_ms:6.2f} p99 {run.p99_ms:7.2f} ms {run.rps:7.0f} req/s "
                f"cpu {run.cpu_ms_per_request:6.3f} ms/req errors {run.errors}",
                flush=True,
            )
        if plan.first_token:
            firsts = first_tokens(ordered, url_of, scenario, plan.first_token)
            for name, samples in firsts.items():
                runs.first_token_ms[name] += samples
            print(
                f"  round {round_number + 1} first token (median ms): "
                + ", ".join(f"{n} {statistics.median(s):.3f}" for n, s in firsts.items()),
                flush=True,
            )
    return runs


def first_tokens(
    targets: list[Target], url_of: dict[str, str], scenario: Scenario, count: int
) -> dict[str, list[float]]:
    """`count` first-token times per target, the targets taking turns request by request."""
    samples: dict[str, list[float]] = {target.name: [] for target in targets}
    body = orjson.dumps(scenario.bodies[0])
    workload = scenario.workload
    clients = {t.name: FirstTokenClient(url_of[t.name], body, t.token(workload)) for t in targets}
    try:
        for _ in range(count):
            for target in targets:
                samples[target.name].append(clients[target.name].time_ms())
    finally:
        for client in clients.values():
            client.close()
    return samples


def report(runs: Runs, connections: int) -> None:
    direct = runs.load["direct"]
    first_direct = statistics.median(runs.first_token_ms["direct"] or [0.0])
    print(f"\nconcurrency {connections}, median of {len(direct)} rounds (added over direct):")
    print(
        f"{'build':8} {'cpu ms/req':>10} {'+p50 ms':>8} {'+p99 ms':>8} {'req/s':>8}"
        f" {'+first token ms':>16} {'> direct+2 ms':>14}"
    )
    for name, results in runs.load.items():
        if name == "direct":
            continue
        pairs = list(zip(results, direct, strict=True))
        firsts = runs.first_token_ms[name]
        added_first = statistics.median(firsts) - first_direct if firsts else float("nan")
        late = sum(1 for f in firsts if f > first_direct + 2.0)
        print(
            f"{name:8} {statistics.median(r.cpu_ms_per_request for r in results):10.3f} "
            f"{statistics.median(r.p50_ms - d.p50_ms for r, d in pairs):8.3f} "
            f"{statistics.median(r.p99_ms - d.p99_ms for r, d in pairs):8.3f} "
            f"{statistics.median(r.rps for r in results):8.0f} {added_first:16.3f} "
            f"{late:7d}/{len(firsts):<6d}"
        )
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="checkout of the old build")
    parser.add_argument("--new", type=Path, default=Path(), help="checkout of the new build")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="short",
        help="clinical_note: a new ~2,000-token note every request",
    )
    parser.add_argument("--concurrency", type=int, action="append", help="repeatable; 1")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--first-token", type=int, default=0, help="streamed requests timed to the first token"
    )
    args = parser.parse_args()
    builds = [Build("old", args.old.resolve()), Build("new", args.new.resolve())]
    work = Path(tempfile.mkdtemp(prefix="sr-ab-"))
    scenario = next(s for s in scenarios() if s.name == args.scenario)
    body = work / "body.json"
    body.write_bytes(scenario.body_file())
    with instant_upstream(work, 20, 0.0) as upstream, contextlib.ExitStack() as stack:
        targets = [upstream]
        targets += [
            stack.enter_context(started(work, upstream, b, args.database, scenario.workload))
            for b in builds
        ]
        for target in targets:  # warm every target up the same way
            load.run_wrk(
                f"{target.base_url}/chat/completions",
                body,
                target.token(scenario.workload),
                4,
                3,
                target.pid,
            )
        for connections in args.concurrency or [1]:
            report(measure(targets, scenario, body, connections, args), connections)


if __name__ == "__main__":
    main()
