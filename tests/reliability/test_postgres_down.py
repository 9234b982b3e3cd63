"""PostgreSQL stopped mid-run: requests are refused with 503 while it is down (nothing is served
without a record), the router recovers by itself when it returns, and the trail has exactly one
opening and one closing per served request, with a chain that verifies."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import RouterFactory, RunningRouter
from tests.reliability.private_postgres import PrivatePostgres, private_postgres
from tests.reliability.support import (
    ask,
    assert_trail_complete_and_verified,
    client_for,
    served_request_ids,
    stream_to_end,
    until_served,
)


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    with private_postgres() as server:
        yield server


@pytest.fixture
def router(
    make_router: RouterFactory, ask_and_stream_policy: Path, postgres: PrivatePostgres
) -> Iterator[RunningRouter]:
    with make_router(
        ask_and_stream_policy,
        database_url=postgres.url,
        local_model={"autostart": False},
        # Short enough that key checks reach the stopped database during the outage.
        api_key_cache_seconds=0.5,
    ) as running:
        yield running


def test_postgres_outage_refuses_then_recovers_without_losing_records(
    router: RunningRouter, postgres: PrivatePostgres, tmp_path: Path
) -> None:
    with client_for(router) as client:
        before = [ask(client) for _ in range(10)]
        assert {o.status for o in before} == {200}

        with ThreadPoolExecutor(2) as pool:
            # Streams in flight when the store goes: opened before, closing while it is down.
            in_flight = [pool.submit(stream_to_end, router) for _ in range(2)]
            time.sleep(0.5)
            postgres.stop("immediate")
            during = [ask(client) for _ in range(10)]
            time.sleep(1.0)  # past the key cache: authentication now needs the database too
            during += [ask(client) for _ in range(5)]
            streamed = [future.result(timeout=30) for future in in_flight]

        assert {(o.status, o.code) for o in during} <= {
            (503, "audit_unavailable"),
            (503, "credential_store_unavailable"),
        }, during
        assert any(o.code == "credential_store_unavailable" for o in during)

        postgres.start()
        recovery = until_served(router, timeout=60)
        assert recovery[-1].status == 200, "the router did not recover when PostgreSQL returned"
        after = [ask(client) for _ in range(10)]
        assert {o.status for o in after} == {200}

        served = served_request_ids(before + recovery + after, streamed)
        # Nothing could be audited while the store was down, so the served requests are the records.
        assert_trail_complete_and_verified(router, served, tmp_path / "data", postgres.url)
