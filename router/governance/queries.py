"""The governance figures, aggregated in SQL from the audit index (`audit_records`).

Every query filters on the indexed `received_at` first and returns a small, bounded result:
groups of policy-defined names (tiers, routes, workloads, rules, entity types) or at most
`limit` rows. They run unchanged on SQLite and PostgreSQL; the two places where the dialects
differ (time buckets, and expanding the JSON entity counts) are chosen per dialect below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    bindparam,
    case,
    func,
    literal_column,
    select,
    text,
)

from router.audit.reader import SearchFilters, matching_records
from router.audit.sql_trail import AuditRecordRow
from router.storage.db import Database

_INDEX = AuditRecordRow.__table__  # type: ignore[attr-defined]
_ROUTED = "route"
MAX_GROUPS = 100  # workloads, rules or entity types shown; more are summed into nothing

Bucket = Literal["hour", "day"]


@dataclass(frozen=True, slots=True)
class Window:
    """The half-open interval [since, until) the figures cover, in UTC."""

    since: dt.datetime
    until: dt.datetime

    @classmethod
    def last(cls, days: int, now: dt.datetime | None = None) -> Window:
        until = now or dt.datetime.now(dt.UTC)
        return cls(since=until - dt.timedelta(days=days), until=until)

    @property
    def bucket(self) -> Bucket:
        """Hours for a window of two days or less (at most 48 bars), days otherwise."""
        return "hour" if self.until - self.since <= dt.timedelta(days=2) else "day"


@dataclass(frozen=True, slots=True)
class TimeCount:
    bucket: str  # `YYYY-MM-DD` or `YYYY-MM-DDTHH:00`, UTC
    group: str
    count: int


@dataclass(frozen=True, slots=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class WorkloadSummary:
    workload: str
    requests: int
    routed: int
    refused: int
    phi_tier: int
    deidentified: int
    prompt_tokens: int
    completion_tokens: int
    mean_total_ms: float | None


SEARCH_COLUMNS = (
    "request_id",
    "received_at",
    "principal_kind",
    "principal_subject",
    "workload",
    "effective_tier",
    "outcome",
    "route",
    "rule",
    "status_code",
    "policy_version",
    "deidentified",
    "total_ms",
)


class GovernanceQueries:
    """Read-only figures over one database."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def requests_by_tier(self, window: Window) -> list[TimeCount]:
        """Every request (routed or not) per time bucket and effective tier."""
        return self._over_time(window, _INDEX.c.effective_tier, routed_only=False)

    def routed_by_route(self, window: Window) -> list[TimeCount]:
        """Routed requests per time bucket and the route that answered."""
        return self._over_time(window, _INDEX.c.route, routed_only=True)

    def refusals_by_reason(self, window: Window) -> list[Count]:
        """Requests not routed, by outcome and the policy rule that decided it."""
        label = _INDEX.c.outcome + literal_column("': '") + _INDEX.c.rule
        query = (
            select(label.label("label"), func.count().label("n"))
            .where(*_within(window), _INDEX.c.outcome != _ROUTED)
            .group_by(_INDEX.c.outcome, _INDEX.c.rule)
            .order_by(func.count().desc())
            .limit(MAX_GROUPS)
        )
        return [Count(str(row.label), int(row.n)) for row in self._rows(query)]

    def phi_entity_types(self, window: Window) -> list[Count]:
        """Entities detected per type, summed over the JSON counts of each record."""
        statement = text(_ENTITY_SQL[self._dialect()]).bindparams(
            bindparam("since", window.since, type_=DateTime(timezone=True)),
            bindparam("until", window.until, type_=DateTime(timezone=True)),
            bindparam("limit", MAX_GROUPS),
        )
        with self._database.engine.connect() as connection:
            rows = connection.execute(statement).all()
        return [Count(str(row.label), int(row.n)) for row in rows]

    def workload_summaries(self, window: Window) -> list[WorkloadSummary]:
        columns = _INDEX.c
        query = (
            select(
                columns.workload,
                func.count().label("requests"),
                _count_where(columns.outcome == _ROUTED).label("routed"),
                _count_where(columns.outcome != _ROUTED).label("refused"),
                _count_where(columns.effective_tier != "non_phi").label("phi_tier"),
                _count_where(columns.deidentified.is_(True)).label("deidentified"),
                func.coalesce(func.sum(columns.prompt_tokens), 0).label("prompt_tokens"),
                func.coalesce(func.sum(columns.completion_tokens), 0).label("completion_tokens"),
                func.avg(columns.total_ms).label("mean_total_ms"),
            )
            .where(*_within(window))
            .group_by(columns.workload)
            .order_by(func.count().desc())
            .limit(MAX_GROUPS)
        )
        return [_summary(row._mapping) for row in self._rows(query)]

    def search(self, filters: SearchFilters) -> list[dict[str, Any]]:
        """Metadata of matching records, newest first; never bodies."""
        columns = [_INDEX.c[name] for name in SEARCH_COLUMNS]
        query = select(*columns).order_by(_INDEX.c.received_at.desc()).limit(filters.limit)
        return [dict(row._mapping) for row in self._rows(matching_records(query, filters))]

    def record_exists(self, request_id: str) -> bool:
        query = select(_INDEX.c.request_id).where(_INDEX.c.request_id == request_id)
        return bool(self._rows(query))

    def _over_time(self, window: Window, group: Any, *, routed_only: bool) -> list[TimeCount]:
        bucket = self._bucket(window.bucket).label("bucket")
        query = select(bucket, group.label("grp"), func.count().label("n")).where(*_within(window))
        if routed_only:
            query = query.where(_INDEX.c.outcome == _ROUTED, group.is_not(None))
        query = query.group_by(bucket, group).order_by(bucket)
        return [TimeCount(str(row.bucket), str(row.grp), int(row.n)) for row in self._rows(query)]

    def _bucket(self, size: Bucket) -> ColumnElement[str]:
        column = _INDEX.c.received_at
        if self._dialect() == "sqlite":
            # SQLAlchemy stores SQLite timestamps as ISO text in UTC.
            return func.strftime("%Y-%m-%d" if size == "day" else "%Y-%m-%dT%H:00", column)
        pattern = "YYYY-MM-DD" if size == "day" else 'YYYY-MM-DD"T"HH24:00'
        return func.to_char(func.timezone("UTC", column), pattern)

    def _dialect(self) -> str:
        return "sqlite" if self._database.is_sqlite else "postgresql"

    def _rows(self, query: Select[Any]) -> list[Any]:
        with self._database.engine.connect() as connection:
            return list(connection.execute(query).all())


# Expanding `entity_counts` (a JSON object of type -> count) is dialect-specific.
_ENTITY_SQL = {
    "sqlite": """
        SELECT entity.key AS label, SUM(entity.value) AS n
        FROM audit_records, json_each(audit_records.entity_counts) AS entity
        WHERE audit_records.received_at >= :since AND audit_records.received_at < :until
        GROUP BY entity.key ORDER BY n DESC LIMIT :limit
    """,
    "postgresql": """
        SELECT entity.key AS label, SUM(CAST(entity.value AS BIGINT)) AS n
        FROM audit_records, json_each_text(audit_records.entity_counts) AS entity
        WHERE audit_records.received_at >= :since AND audit_records.received_at < :until
        GROUP BY entity.key ORDER BY n DESC LIMIT :limit
    """,
}


def _within(window: Window) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return _INDEX.c.received_at >= window.since, _INDEX.c.received_at < window.until


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _summary(row: Any) -> WorkloadSummary:
    mean = row["mean_total_ms"]
    return WorkloadSummary(
        workload=str(row["workload"]),
        requests=int(row["requests"]),
        routed=int(row["routed"]),
        refused=int(row["refused"]),
        phi_tier=int(row["phi_tier"]),
        deidentified=int(row["deidentified"]),
        prompt_tokens=int(row["prompt_tokens"]),
        completion_tokens=int(row["completion_tokens"]),
        mean_total_ms=None if mean is None else round(float(mean), 1),
    )
