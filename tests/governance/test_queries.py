"""The governance figures, aggregated in SQL, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from router.audit.reader import SearchFilters
from router.governance.figures import bucket_names, collect
from router.governance.queries import Count, GovernanceQueries, TimeCount, Window
from router.policy.store import PolicyStore
from router.storage.db import Database
from tests.conftest import DEFAULT_POLICY

UTC = dt.UTC
DAYS = Window(dt.datetime(2026, 11, 9, tzinfo=UTC), dt.datetime(2026, 11, 12, tzinfo=UTC))
HOURS = Window(dt.datetime(2026, 11, 10, tzinfo=UTC), dt.datetime(2026, 11, 11, tzinfo=UTC))


def test_requests_by_tier_per_day(seeded_db: Database) -> None:
    counts = GovernanceQueries(seeded_db).requests_by_tier(DAYS)
    assert DAYS.bucket == "day"
    assert sorted(counts, key=lambda c: (c.bucket, c.group)) == [
        TimeCount("2026-11-10", "non_phi", 2),
        TimeCount("2026-11-10", "phi_heavy", 1),
        TimeCount("2026-11-11", "non_phi", 1),
        TimeCount("2026-11-11", "phi_heavy", 1),
        TimeCount("2026-11-11", "sometimes_phi", 1),
    ]


def test_requests_by_tier_per_hour(seeded_db: Database) -> None:
    counts = GovernanceQueries(seeded_db).requests_by_tier(HOURS)
    assert HOURS.bucket == "hour"
    assert sorted(counts, key=lambda c: (c.bucket, c.group)) == [
        TimeCount("2026-11-10T09:00", "non_phi", 2),
        TimeCount("2026-11-10T11:00", "phi_heavy", 1),
    ]


def test_routed_by_route_counts_only_routed_requests(seeded_db: Database) -> None:
    counts = GovernanceQueries(seeded_db).routed_by_route(DAYS)
    assert sorted(counts, key=lambda c: (c.bucket, c.group)) == [
        TimeCount("2026-11-10", "claude", 1),
        TimeCount("2026-11-10", "local", 2),
        TimeCount("2026-11-11", "local", 1),
    ]


def test_refusals_by_outcome_and_rule(seeded_db: Database) -> None:
    refusals = GovernanceQueries(seeded_db).refusals_by_reason(DAYS)
    assert sorted(refusals, key=lambda c: c.label) == [
        Count("deny: workload.groups", 1),
        Count("refuse: tier.no_route", 1),
    ]


def test_phi_entity_types_are_summed_from_the_json_counts(seeded_db: Database) -> None:
    entities = GovernanceQueries(seeded_db).phi_entity_types(DAYS)
    assert entities == [Count("NAME", 4), Count("DATE", 3), Count("MRN", 1)]


def test_workload_summaries(seeded_db: Database) -> None:
    summaries = {s.workload: s for s in GovernanceQueries(seeded_db).workload_summaries(DAYS)}
    assert set(summaries) == {"general", "clinical"}
    general, clinical = summaries["general"], summaries["clinical"]
    assert (general.requests, general.routed, general.refused, general.phi_tier) == (3, 2, 1, 0)
    assert (clinical.requests, clinical.routed, clinical.refused) == (3, 2, 1)
    assert (clinical.phi_tier, clinical.deidentified) == (3, 1)
    assert (general.prompt_tokens, general.completion_tokens) == (6, 10)


def test_an_empty_window_has_no_figures(seeded_db: Database) -> None:
    queries = GovernanceQueries(seeded_db)
    empty = Window(dt.datetime(2020, 1, 1, tzinfo=UTC), dt.datetime(2020, 1, 5, tzinfo=UTC))
    assert queries.requests_by_tier(empty) == []
    assert queries.phi_entity_types(empty) == []
    assert queries.workload_summaries(empty) == []


def test_search_filters_and_orders_newest_first(seeded_db: Database) -> None:
    queries = GovernanceQueries(seeded_db)
    clinical = queries.search(SearchFilters(workload="clinical"))
    assert [row["request_id"] for row in clinical] == ["r6", "r4", "r3"]
    assert "request_body" not in clinical[0]
    denied = queries.search(SearchFilters(outcome="deny"))
    assert [row["request_id"] for row in denied] == ["r5"]
    on_day_one = queries.search(
        SearchFilters(since=dt.datetime(2026, 11, 10, tzinfo=UTC), until=HOURS.until)
    )
    assert {row["request_id"] for row in on_day_one} == {"r1", "r2", "r3"}
    assert len(queries.search(SearchFilters(limit=2))) == 2
    assert queries.search(SearchFilters(principal="nobody")) == []
    assert queries.record_exists("r1")
    assert not queries.record_exists("missing")


def test_collect_pivots_into_series_with_every_bucket(seeded_db: Database) -> None:
    loaded = PolicyStore(DEFAULT_POLICY).current
    figures = collect(GovernanceQueries(seeded_db), loaded, DAYS, dt.date(2026, 11, 12))
    assert figures.buckets == ("2026-11-09", "2026-11-10", "2026-11-11")
    assert figures.by_tier["non_phi"] == [0, 2, 1]
    assert figures.by_tier["phi_heavy"] == [0, 1, 1]
    assert figures.by_route["local"] == [0, 2, 1]
    assert (figures.total_requests, figures.total_refused) == (6, 2)
    assert figures.policy_version == loaded.version
    assert {status.route for status in figures.baa} == set(loaded.policy.routes)


def test_hour_buckets_cover_the_window() -> None:
    names = bucket_names(HOURS)
    assert len(names) == 24
    assert (names[0], names[-1]) == ("2026-11-10T00:00", "2026-11-10T23:00")
