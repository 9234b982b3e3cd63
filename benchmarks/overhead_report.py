"""Turns the overhead harness's measurements into a summary, a table, a chart and a headline."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.overhead import TargetResult

Summary = dict[str, dict[str, Any]]


def summarise(results: dict[str, TargetResult], concurrency: tuple[int, ...]) -> Summary:
    direct = results["direct"]
    summary: Summary = {}
    for name, result in results.items():
        entry: dict[str, Any] = {}
        for scenario, runs in result.closed_loop.items():
            entry[scenario] = {}
            for connections, run in runs.items():
                floor = direct.closed_loop[scenario][connections]
                entry[scenario][connections] = {
                    "p50_ms": run.p50_ms,
                    "p90_ms": run.p90_ms,
                    "p99_ms": run.p99_ms,
                    "rps": round(run.rps, 1),
                    "errors": run.errors,
                    "cpu_ms_per_request": round(run.cpu_ms_per_request, 3),
                    "added_p50_ms": round(run.p50_ms - floor.p50_ms, 3),
                    "added_p90_ms": round(run.p90_ms - floor.p90_ms, 3),
                    "added_p99_ms": round(run.p99_ms - floor.p99_ms, 3),
                }
        first_token = statistics.median(result.first_token_ms)
        entry["first_token_p50_ms"] = round(first_token, 3)
        entry["first_token_added_p50_ms"] = round(
            first_token - statistics.median(direct.first_token_ms), 3
        )
        entry["saturation_rps"] = max(run.rps for run in result.closed_loop["short"].values())
        entry["steady_rss_mib"] = round(result.steady_rss_kib / 1024, 1)
        entry["peak_rss_mib"] = round(result.peak_rss_kib / 1024, 1)
        entry["leak"] = result.leak
        entry["open_loop"] = [vars(outcome) for outcome in result.open_loop]
        summary[name] = entry
    return summary


def print_table(summary: Summary) -> None:
    print()
    print(
        f"{'target':16} {'scenario':14} {'conc':>4} {'+p50 ms':>8} {'+p90 ms':>8} "
        f"{'+p99 ms':>8} {'req/s':>8} {'cpu ms/req':>10} {'errors':>6}"
    )
    for name, entry in summary.items():
        for scenario, runs in entry.items():
            if not isinstance(runs, dict) or scenario == "leak":
                continue
            for connections, run in runs.items():
                print(
                    f"{name:16} {scenario:14} {connections:>4} {run['added_p50_ms']:8.2f} "
                    f"{run['added_p90_ms']:8.2f} {run['added_p99_ms']:8.2f} {run['rps']:8.0f} "
                    f"{run['cpu_ms_per_request']:10.3f} {run['errors']:6}"
                )
    print()
    print(
        f"{'target':16} {'TTFT p50 ms':>12} {'+TTFT ms':>9} {'sat. req/s':>10} "
        f"{'RSS MiB':>8} {'peak MiB':>8} {'RSS growth':>10}"
    )
    for name, entry in summary.items():
        growth = entry["leak"].get("growth_percent")
        growth_text = f"{growth:9.1f}%" if growth is not None else f"{'-':>10}"
        print(
            f"{name:16} {entry['first_token_p50_ms']:12.2f} "
            f"{entry['first_token_added_p50_ms']:9.2f} {entry['saturation_rps']:10.0f} "
            f"{entry['steady_rss_mib']:8.1f} {entry['peak_rss_mib']:8.1f} {growth_text}"
        )
    print()


def headline(summary: Summary) -> dict[str, float]:
    router, litellm = summary["router-sqlite"], summary["litellm"]
    return {
        "router_p50_ms": router["short"][1]["added_p50_ms"],
        "router_p99_ms": router["short"][1]["added_p99_ms"],
        "litellm_p50_ms": litellm["short"][1]["added_p50_ms"],
        "litellm_p99_ms": litellm["short"][1]["added_p99_ms"],
        "router_rps": router["saturation_rps"],
        "litellm_rps": litellm["saturation_rps"],
    }


def chart(results: dict[str, TargetResult], path: Path) -> None:
    """Latency against load: closed loop by concurrency, and open loop by offered rate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (closed, opened) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name, result in results.items():
        runs = result.closed_loop["short"]
        levels = sorted(runs)
        closed.plot(levels, [runs[c].p99_ms for c in levels], marker="o", label=name)
        if result.open_loop:
            rates = [outcome.rate for outcome in result.open_loop]
            opened.plot(rates, [o.p99_ms for o in result.open_loop], marker="o", label=name)
    closed.set(
        title="Short chat, closed loop",
        xlabel="concurrent connections",
        ylabel="p99 latency (ms)",
        xscale="log",
        yscale="log",
    )
    opened.set(
        title="Short chat, open loop",
        xlabel="offered requests per second",
        ylabel="p99 latency (ms)",
        xscale="log",
        yscale="log",
    )
    for axes in (closed, opened):
        axes.grid(True, which="both", alpha=0.3)
        if axes.lines:  # the open-loop panel is empty in a quick run
            axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
