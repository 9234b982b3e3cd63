"""On PostgreSQL the audit writer keeps one connection of its own: a server that ended it (a
restart, `pg_terminate_backend`) costs no request, and the chain stays whole."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from router.audit.chained_trail import ChainedAuditTrail
from router.audit.config import AuditSettings
from router.audit.store import AsyncChainAppender, PreparedEntry, append_entries
from router.audit.verify import verify_chain
from router.storage import raw
from router.storage.db import Database
from router.storage.dedicated import DedicatedConnection
from tests.audit.records import closing, dev_ring, opening, trail
from tests.storage.databases import any_database
from tests.storage.test_dedicated import end_backends


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Database]:
    with any_database("postgresql", tmp_path / "db", "writer") as database:
        yield database


async def test_the_next_request_after_the_server_ended_the_connection_is_written(
    postgres: Database, tmp_path: Path
) -> None:
    ring = dev_ring(tmp_path)
    chained = trail(postgres, ring)
    await chained.open(opening("req-1"))
    await chained.close("req-1", closing())
    await chained.open(opening("req-2"))  # the closing above shares this commit
    assert end_backends(postgres) >= 1  # the writer's connection among them
    await chained.open(opening("req-3"))  # refused with AuditUnavailable if it were lost
    await chained.close("req-2", closing())
    await chained.close("req-3", closing())
    await chained.aclose()
    result = verify_chain(postgres, ring)
    assert result.intact, result.finding
    assert result.entries == 6


async def test_a_batch_with_large_bodies_is_sealed_and_written_in_a_worker_thread(
    postgres: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring = dev_ring(tmp_path)
    chained = ChainedAuditTrail(postgres, ring, AuditSettings(), inline_max_body_bytes=3000)
    in_a_thread: list[str] = []
    commit_in_a_thread = chained._writer._commit

    def recording(items: Sequence[Any]) -> None:
        assert threading.current_thread() is not threading.main_thread()
        in_a_thread.extend(item.request_id for item in items)
        commit_in_a_thread(items)

    monkeypatch.setattr(chained._writer, "_commit", recording)
    await chained.open(opening("req-small", body=b"x" * 1000))
    await chained.open(opening("req-large", body=b"x" * 4000))
    await chained.aclose()
    assert in_a_thread == ["req-large"]
    result = verify_chain(postgres, ring)
    assert result.intact, result.finding
    assert result.entries == 2


async def test_a_batch_of_many_records_is_written_in_a_worker_thread(
    postgres: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring = dev_ring(tmp_path)
    chained = trail(postgres, ring)
    in_a_thread: list[int] = []
    commit_in_a_thread = chained._writer._commit

    def recording(items: Sequence[Any]) -> None:
        in_a_thread.append(len(items))
        commit_in_a_thread(items)

    monkeypatch.setattr(chained._writer, "_commit", recording)
    await chained.open(opening("req-first"))  # alone: on the event loop
    await asyncio.gather(*(chained.open(opening(f"req-{index}")) for index in range(40)))
    await chained.aclose()
    assert in_a_thread and all(size > 8 for size in in_a_thread)
    result = verify_chain(postgres, ring)
    assert result.intact, result.finding
    assert result.entries == 41


def _entry(request_id: str) -> PreparedEntry:
    return PreparedEntry(
        request_id=request_id,
        kind="open",
        recorded_at=dt.datetime.now(dt.UTC),
        payload="{}",
        sealed=None,
    )


def _events(database: Database) -> list[tuple[int, str, str]]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT seq, request_id, prev_hash FROM audit_events ORDER BY seq")
        )
        return [(seq, request_id, prev_hash) for seq, request_id, prev_hash in rows]


def _head(database: Database) -> tuple[int, str]:
    with database.engine.connect() as connection:
        seq, head_hash = connection.execute(
            text("SELECT seq, hash FROM audit_chain_head WHERE id = 1")
        ).one()
    return seq, head_hash


async def test_two_writers_taking_turns_keep_one_chain(
    postgres: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each writer links after the head it left without reading it; when the other one moved
    it, the append is refused as a whole and runs again under the head's row lock."""
    ring = dev_ring(tmp_path)
    locked: list[int] = []
    real_transaction = raw.async_transaction

    @contextlib.asynccontextmanager
    async def counted(connection: Any) -> AsyncIterator[Any]:
        async with real_transaction(connection) as cursor:
            yield cursor
        locked.append(1)

    monkeypatch.setattr(raw, "async_transaction", counted)
    first, second = trail(postgres, ring), trail(postgres, ring)
    for index in range(3):
        await first.open(opening(f"alone-{index}"))
    locked_alone = len(locked)
    for index in range(6):
        await first.open(opening(f"a-{index}"))
        await second.open(opening(f"b-{index}"))
    await first.aclose()
    await second.aclose()
    assert locked_alone == 2  # the first append, and the one that found the head where it was
    assert len(locked) > locked_alone + 6  # turns taken: the head was never where it was left
    assert [seq for seq, _, _ in _events(postgres)] == list(range(1, 16))
    result = verify_chain(postgres, ring)
    assert result.intact, result.finding
    assert result.entries == 15


async def test_a_head_moved_where_no_entry_shows_it_writes_nothing_after_the_old_head(
    postgres: Database, tmp_path: Path
) -> None:
    """Another writer appended and its entry is gone again (a forced purge): no entry stands
    in the way at the old head's next sequence number, so only the check of the head itself
    stops the append from linking there."""
    ring = dev_ring(tmp_path)
    appender = AsyncChainAppender(postgres, ring)
    connection = DedicatedConnection(postgres)
    try:
        for request_id in ("mine-1", "mine-2"):
            async with connection.use() as driver:
                await appender.append([_entry(request_id)], driver)
        append_entries(postgres, ring, [_entry("theirs")])
        moved_seq, moved_hash = _head(postgres)
        with postgres.engine.begin() as admin:
            admin.execute(text("DELETE FROM audit_events WHERE seq = :seq"), {"seq": moved_seq})
        async with connection.use() as driver:
            await appender.append([_entry("mine-3")], driver)
    finally:
        await connection.aclose()
    assert _events(postgres)[-1] == (moved_seq + 1, "mine-3", moved_hash)
    assert _head(postgres)[0] == moved_seq + 1
