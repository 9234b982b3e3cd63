"""The monthly governance report: the dashboard's figures as one self-contained HTML file (the
same SVG charts, the stylesheet inlined, nothing fetched) or as CSV, one table per section."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from markupsafe import Markup

from router.governance.figures import Figures, collect
from router.governance.queries import GovernanceQueries, Window
from router.governance.rendering import STYLESHEET, chart_markup, render, template_environment
from router.policy.store import PolicyStore
from router.settings import Settings
from router.storage.db import Database

ReportFormat = Literal["html", "csv"]
_PERIOD = re.compile(r"^(\d{1,4})([hdw])$")
_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}
MAX_PERIOD = dt.timedelta(days=3660)


def parse_period(text: str) -> dt.timedelta:
    """`30d`, `12h` or `2w`, up to ten years."""
    match = _PERIOD.match(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise ValueError("the period is a number and a unit: 12h, 30d or 2w")
    period = int(match.group(1)) * _UNITS[match.group(2)]
    if period > MAX_PERIOD:
        raise ValueError("the period may be at most ten years")
    return period


def gather(settings: Settings, period: dt.timedelta, now: dt.datetime | None = None) -> Figures:
    """The figures for the `period` up to `now`, from the database and policy of `settings`."""
    until = now or dt.datetime.now(dt.UTC)
    database = Database(settings.resolved_database_url)
    try:
        database.migrate()
        loaded = PolicyStore(settings.policy_dir).current
        window = Window(since=until - period, until=until)
        return collect(GovernanceQueries(database), loaded, window, until.date())
    finally:
        database.dispose()


def render_report(figures: Figures, report_format: ReportFormat) -> str:
    return html_report(figures) if report_format == "html" else csv_report(figures)


def html_report(figures: Figures) -> str:
    return render(
        template_environment(),
        "report.html",
        figures=figures,
        charts=chart_markup(figures),
        stylesheet=Markup(STYLESHEET.read_text()),  # noqa: S704 - our own file, not input
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def csv_report(figures: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for title, header, rows in _sections(figures):
        writer.writerow([f"# {title}"])
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerow([])
    return out.getvalue()


Section = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def _sections(figures: Figures) -> list[Section]:
    window = figures.window
    return [
        (
            "summary",
            ("figure", "value"),
            [
                ("since", window.since.isoformat()),
                ("until", window.until.isoformat()),
                ("requests", figures.total_requests),
                ("not_routed", figures.total_refused),
                ("policy_version", figures.policy_version),
            ],
        ),
        ("requests_by_tier", ("period", "tier", "requests"), _long(figures, figures.by_tier)),
        ("routed_by_route", ("period", "route", "requests"), _long(figures, figures.by_route)),
        (
            "refusals_by_reason",
            ("outcome_and_rule", "requests"),
            [(count.label, count.count) for count in figures.refusals],
        ),
        (
            "phi_entities_by_type",
            ("entity_type", "detected"),
            [(count.label, count.count) for count in figures.entities],
        ),
        ("workloads", _WORKLOAD_HEADER, [_workload_row(row) for row in figures.workloads]),
        ("baa_status", _BAA_HEADER, [_baa_row(row) for row in figures.baa]),
        (
            "policy_warnings",
            ("code", "subject", "message"),
            [(w.code.value, w.subject, w.message) for w in figures.warnings],
        ),
    ]


_WORKLOAD_HEADER = (
    "workload",
    "requests",
    "routed",
    "not_routed",
    "phi_tiers",
    "deidentified",
    "prompt_tokens",
    "completion_tokens",
    "mean_total_ms",
)
_BAA_HEADER = ("route", "boundary", "status", "agreement", "signed", "expires", "days_to_expiry")


def _long(figures: Figures, series: dict[str, list[int]]) -> list[tuple[str, str, int]]:
    """Series as rows of (period, group, count), leaving out zeros."""
    return [
        (bucket, name, values[index])
        for name, values in series.items()
        for index, bucket in enumerate(figures.buckets)
        if values[index]
    ]


def _workload_row(row: Any) -> tuple[Any, ...]:
    return (
        row.workload,
        row.requests,
        row.routed,
        row.refused,
        row.phi_tier,
        row.deidentified,
        row.prompt_tokens,
        row.completion_tokens,
        "" if row.mean_total_ms is None else row.mean_total_ms,
    )


def _baa_row(row: Any) -> tuple[Any, ...]:
    def blank(value: Any) -> Any:
        return "" if value is None else value

    return (
        row.route,
        row.boundary,
        row.status,
        row.agreement_id,
        blank(row.signed),
        blank(row.expires),
        blank(row.days_to_expiry),
    )
