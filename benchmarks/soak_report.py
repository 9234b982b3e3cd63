"""The soak's figures: one summary, a table for the terminal, and a four-panel plot."""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

WINDOW_SECONDS = 10.0


@dataclass(frozen=True)
class Sample:
    at: float  # seconds since the soak began
    rss: int  # bytes


@dataclass(frozen=True)
class SoakResult:
    minutes: float
    rate: float
    requests: int  # answered with an HTTP status
    transport_errors: int  # no answer at all
    errors: int  # answered, but not 2xx (or a stream that ended in an error event)
    errors_outside_faults: int
    p50_ms: float
    p99_ms: float
    rss_start_mib: float
    rss_end_mib: float
    rss_peak_mib: float
    faults: list[tuple[float, str]]
    audit_records: int
    audit_incomplete: int
    chain_verified: bool
    verify_output: str
    router_exit_code: int | None
    fault_seconds: float

    @classmethod
    def build(
        cls,
        args: argparse.Namespace,
        latencies: Sequence[tuple[float, float, int]],
        transport_errors: int,
        rss: Sequence[Sample],
        faults: list[tuple[float, str]],
        audit_records: int,
        audit_incomplete: int,
        chain_verified: bool,
        verify_output: str,
        router_exit_code: int | None,
    ) -> SoakResult:
        seconds = sorted(latency for _, latency, _ in latencies) or [0.0]
        failed = [at for at, _, status in latencies if status >= 400]
        # A fault's effects may outlast it by a health-check interval and a cool-down.
        grace = args.fault_seconds + 15.0
        outside = [at for at in failed if not any(0 <= at - t < grace for t, _ in faults)]
        mib = [sample.rss / 2**20 for sample in rss] or [0.0]
        return cls(
            minutes=args.minutes,
            rate=args.rate,
            requests=len(latencies),
            transport_errors=transport_errors,
            errors=len(failed),
            errors_outside_faults=len(outside),
            p50_ms=statistics.median(seconds) * 1000,
            p99_ms=seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))] * 1000,
            rss_start_mib=mib[0],
            rss_end_mib=mib[-1],
            rss_peak_mib=max(mib),
            faults=faults,
            audit_records=audit_records,
            audit_incomplete=audit_incomplete,
            chain_verified=chain_verified,
            verify_output=verify_output,
            router_exit_code=router_exit_code,
            fault_seconds=args.fault_seconds,
        )

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "error_rate": self.error_rate}

    def headline(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "error_rate": round(self.error_rate, 5),
            "errors_outside_faults": self.errors_outside_faults,
            "transport_errors": self.transport_errors,
            "p99_ms": round(self.p99_ms, 1),
            "rss_start_mib": round(self.rss_start_mib, 1),
            "rss_end_mib": round(self.rss_end_mib, 1),
            "audit_records": self.audit_records,
            "audit_matches_requests": self.audit_records == self.requests,
            "audit_incomplete": self.audit_incomplete,
            "chain_verified": self.chain_verified,
        }


def table(result: SoakResult) -> str:
    faults = ", ".join(f"{name}@{at:.0f}s" for at, name in result.faults) or "none"
    rows = [
        ("duration", f"{result.minutes:g} min at {result.rate:g} req/s"),
        ("requests answered", f"{result.requests}"),
        ("no answer (transport)", f"{result.transport_errors}"),
        ("errors", f"{result.errors} ({result.error_rate:.3%})"),
        ("errors outside faults", f"{result.errors_outside_faults}"),
        ("latency p50 / p99", f"{result.p50_ms:.1f} ms / {result.p99_ms:.1f} ms"),
        (
            "router RSS start / end / peak",
            f"{result.rss_start_mib:.1f} / {result.rss_end_mib:.1f} / "
            f"{result.rss_peak_mib:.1f} MiB",
        ),
        ("faults", faults),
        ("audit records", f"{result.audit_records} (requests {result.requests})"),
        ("audit records left open", f"{result.audit_incomplete}"),
        ("chain", f"{'verified' if result.chain_verified else 'FAILED'}: {result.verify_output}"),
        ("router exit code", f"{result.router_exit_code}"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _windows(
    latencies: Sequence[tuple[float, float, int]],
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Per window: start, requests a second, error share, p99 in ms."""
    buckets: dict[int, list[tuple[float, int]]] = {}
    for at, latency, status in latencies:
        buckets.setdefault(int(at // WINDOW_SECONDS), []).append((latency, status))
    starts, rates, errors, p99s = [], [], [], []
    for index in sorted(buckets):
        bucket = buckets[index]
        ordered = sorted(latency for latency, _ in bucket)
        starts.append(index * WINDOW_SECONDS)
        rates.append(len(bucket) / WINDOW_SECONDS)
        errors.append(sum(status >= 400 for _, status in bucket) / len(bucket))
        p99s.append(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000)
    return starts, rates, errors, p99s


def plot(
    result: SoakResult,
    latencies: Sequence[tuple[float, float, int]],
    rss: Sequence[Sample],
    target: Path,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    starts, rates, errors, p99s = _windows(latencies)
    figure, axes = plt.subplots(4, 1, figsize=(10, 11), sharex=True)
    axes[0].plot(starts, rates)
    axes[0].set_ylabel("answered req/s")
    axes[1].plot(starts, [e * 100 for e in errors], color="tab:red")
    axes[1].set_ylabel("errors %")
    axes[2].plot(starts, p99s, color="tab:purple")
    axes[2].set_ylabel(f"p99 ms ({WINDOW_SECONDS:.0f} s windows)")
    axes[3].plot([s.at for s in rss], [s.rss / 2**20 for s in rss], color="tab:green")
    axes[3].set_ylabel("router RSS MiB")
    axes[3].set_xlabel("seconds")
    colours = {"upstream_500": "tab:red", "replica_down": "tab:orange", "policy_reload": "tab:blue"}
    for axis in axes:
        for at, name in result.faults:
            axis.axvspan(at, at + result.fault_seconds, color=colours.get(name, "grey"), alpha=0.15)
    axes[0].set_title(
        f"soak: {result.requests} requests, {result.error_rate:.2%} errors, "
        f"p99 {result.p99_ms:.0f} ms, audit {result.audit_records}, "
        f"chain {'verified' if result.chain_verified else 'FAILED'}\n"
        "shaded: red upstream 500s, orange replica down, blue policy reload"
    )
    figure.tight_layout()
    figure.savefig(target, dpi=100)
    plt.close(figure)
