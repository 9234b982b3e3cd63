"""Everything the dashboard and the monthly report show, gathered once for a time window.

The audit index gives the counts (`queries`); the active policy gives BAA status, the policy
version and its warnings. `charts_of` draws the same SVG charts for both the page and the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from router.governance import charts
from router.governance.queries import (
    Count,
    GovernanceQueries,
    TimeCount,
    Window,
    WorkloadSummary,
)
from router.policy.governance import EXPIRY_NOTICE_DAYS, PolicyWarning, policy_warnings
from router.policy.loader import LoadedPolicy
from router.policy.model import Route
from router.tiers import Tier


@dataclass(frozen=True, slots=True)
class BaaStatus:
    route: str
    boundary: str
    status: str  # on_prem, active, expiring, expired, not_yet_signed, missing, disabled
    agreement_id: str = ""
    signed: dt.date | None = None
    expires: dt.date | None = None
    days_to_expiry: int | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    window: Window
    buckets: tuple[str, ...]
    by_tier: dict[str, list[int]]
    by_route: dict[str, list[int]]
    refusals: list[Count]
    entities: list[Count]
    workloads: list[WorkloadSummary]
    baa: list[BaaStatus]
    policy_version: str
    warnings: list[PolicyWarning]

    @property
    def total_requests(self) -> int:
        return sum(summary.requests for summary in self.workloads)

    @property
    def total_refused(self) -> int:
        return sum(summary.refused for summary in self.workloads)


def collect(
    queries: GovernanceQueries, loaded: LoadedPolicy, window: Window, today: dt.date
) -> Figures:
    buckets = bucket_names(window)
    tiers = [tier.value for tier in Tier]
    return Figures(
        window=window,
        buckets=buckets,
        by_tier=_series(queries.requests_by_tier(window), buckets, tiers),
        by_route=_series(queries.routed_by_route(window), buckets, list(loaded.policy.routes)),
        refusals=queries.refusals_by_reason(window),
        entities=queries.phi_entity_types(window),
        workloads=queries.workload_summaries(window),
        baa=[baa_status(name, route, today) for name, route in loaded.policy.routes.items()],
        policy_version=loaded.version,
        warnings=policy_warnings(loaded.policy, today),
    )


def charts_of(figures: Figures) -> dict[str, str]:
    """The SVG of every chart, by a stable id (also the element id in the page)."""
    return {
        "tiers": charts.stacked_bars(
            "chart-tiers", "Requests by data tier", figures.buckets, figures.by_tier
        ),
        "routes": charts.lines(
            "chart-routes", "Routed requests by route", figures.buckets, figures.by_route
        ),
        "refusals": charts.horizontal_bars(
            "chart-refusals",
            "Requests not routed, by outcome and rule",
            [charts.Bar(count.label, count.count) for count in figures.refusals],
        ),
        "entities": charts.horizontal_bars(
            "chart-entities",
            "PHI entities detected, by type",
            [charts.Bar(count.label, count.count) for count in figures.entities],
        ),
        "workloads": charts.horizontal_bars(
            "chart-workloads",
            "Requests by workload",
            [charts.Bar(summary.workload, summary.requests) for summary in figures.workloads],
        ),
        "baa": charts.horizontal_bars(
            "chart-baa",
            "Days until each BAA expires",
            [
                charts.Bar(status.route, status.days_to_expiry, f"expires {status.expires}")
                for status in figures.baa
                if status.days_to_expiry is not None
            ],
            unit=" days",
            empty="No agreement with an expiry date in the active policy",
        ),
    }


def baa_status(name: str, route: Route, today: dt.date) -> BaaStatus:
    boundary = route.data_boundary.value
    if not route.enabled:
        return BaaStatus(name, boundary, "disabled")
    if route.is_on_prem:
        return BaaStatus(name, boundary, "on_prem")
    baa = route.baa
    if baa is None:
        return BaaStatus(name, boundary, "missing")
    days = baa.days_to_expiry(today)
    return BaaStatus(
        route=name,
        boundary=boundary,
        status=_agreement_state(baa.signed, days, today),
        agreement_id=baa.agreement_id,
        signed=baa.signed,
        expires=baa.expires,
        days_to_expiry=days,
    )


def bucket_names(window: Window) -> tuple[str, ...]:
    """Every bucket in the window, so that quiet periods show as zero rather than vanish."""
    since = window.since.astimezone(dt.UTC)
    if window.bucket == "hour":
        start = since.replace(minute=0, second=0, microsecond=0)
        step = dt.timedelta(hours=1)
        pattern = "%Y-%m-%dT%H:00"
    else:
        start = since.replace(hour=0, minute=0, second=0, microsecond=0)
        step = dt.timedelta(days=1)
        pattern = "%Y-%m-%d"
    names: list[str] = []
    moment = start
    while moment < window.until:
        names.append(moment.strftime(pattern))
        moment += step
    return tuple(names)


def _agreement_state(signed: dt.date, days: int | None, today: dt.date) -> str:
    if signed > today:
        return "not_yet_signed"
    if days is None or days > EXPIRY_NOTICE_DAYS:
        return "active"
    return "expired" if days < 0 else "expiring"


def _series(
    counts: Sequence[TimeCount], buckets: Sequence[str], known: Sequence[str]
) -> dict[str, list[int]]:
    """Counts pivoted to one list per group, in `known` order (then any others seen)."""
    position = {bucket: index for index, bucket in enumerate(buckets)}
    names = list(known) + sorted({c.group for c in counts} - set(known))
    series = {name: [0] * len(buckets) for name in names}
    for count in counts:
        if count.bucket in position:
            series[count.group][position[count.bucket]] += count.count
    return {name: values for name, values in series.items() if any(values)}
