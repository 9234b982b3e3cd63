"""The trail the router writes to: write-ahead, encrypted, group-committed, safe across
processes."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from router.audit.chained_trail import ChainedAuditTrail
from router.audit.config import AuditSettings
from router.audit.reader import show_record
from router.audit.sql_trail import AuditRecordRow
from router.audit.tables import AuditEventRow
from router.audit.verify import verify_chain
from router.errors import AuditUnavailable
from router.storage import raw
from router.storage.db import Database
from tests.audit.records import closing, dev_ring, opening, trail
from tests.storage.databases import any_database


def _events(database: Database) -> list[AuditEventRow]:
    with database.session() as session:
        rows = session.exec(select(AuditEventRow)).all()
    return sorted(rows, key=lambda row: row.seq)


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per audit transaction committed from now on (appends use plain statements)."""
    counted: list[int] = []
    real = raw.transaction

    @contextlib.contextmanager
    def counting(
        database: Database, *, immediate: bool = False, connection: Any = None
    ) -> Iterator[Any]:
        with real(database, immediate=immediate, connection=connection) as cursor:
            yield cursor
        counted.append(1)

    real_async = raw.async_transaction

    @contextlib.asynccontextmanager
    async def counting_async(connection: Any) -> AsyncIterator[Any]:
        async with real_async(connection) as cursor:
            yield cursor
        counted.append(1)

    real_statements = raw.async_statements

    async def counting_statements(connection: Any, statements: Any) -> None:
        await real_statements(connection, statements)
        counted.append(1)

    monkeypatch.setattr(raw, "transaction", counting)
    monkeypatch.setattr(raw, "async_statements", counting_statements)
    monkeypatch.setattr(raw, "async_transaction", counting_async)
    return counted


async def test_open_returns_only_once_the_record_is_committed(
    audit_db: Database, tmp_path: Path
) -> None:
    chained = trail(audit_db, dev_ring(tmp_path))
    await chained.open(opening("req-1", body=b"secret prompt"))
    other = Database(audit_db.url)  # another connection pool sees it at once
    try:
        with other.session() as session:
            row = session.get(AuditRecordRow, "req-1")
            assert row is not None and row.completed_at is None
    finally:
        other.dispose()
    await chained.close("req-1", closing(body=b"secret answer", status=200))
    await chained.aclose()
    events = _events(audit_db)
    assert [(e.seq, e.kind) for e in events] == [(1, "open"), (2, "close")]
    assert all(e.body and b"secret" not in e.body for e in events)
    with audit_db.session() as session:
        row = session.get(AuditRecordRow, "req-1")
        assert row is not None and row.status_code == 200 and row.prompt_tokens == 3


async def test_the_bodies_decrypt_to_what_was_sent_and_received(
    audit_db: Database, tmp_path: Path
) -> None:
    ring = dev_ring(tmp_path)
    chained = trail(audit_db, ring)
    await chained.open(opening("req-1", body=b"as sent upstream"))
    await chained.close("req-1", closing(body=b"as received"))
    await chained.aclose()
    entries = show_record(audit_db, ring, "req-1", reader="auditor")
    assert [(e["kind"], e["body"]) for e in entries] == [
        ("open", "as sent upstream"),
        ("close", "as received"),
    ]
    assert entries[0]["metadata"]["entity_counts"] == {"NAME": 1}
    assert [e.kind for e in _events(audit_db)][-1] == "read"  # the read itself is audited
    assert verify_chain(audit_db, ring).intact


async def test_a_store_that_cannot_be_written_refuses_with_503(tmp_path: Path) -> None:
    unmigrated = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    chained = trail(unmigrated, dev_ring(tmp_path))
    with pytest.raises(AuditUnavailable) as raised:
        await chained.open(opening("req-1"))
    assert raised.value.status_code == 503
    await chained.close("req-1", closing())  # never raises: the response is already out
    await chained.aclose()
    unmigrated.dispose()


async def test_concurrent_opens_share_commits(
    audit_db: Database, tmp_path: Path, commits: list[int]
) -> None:
    ring = dev_ring(tmp_path)
    chained = trail(audit_db, ring)
    await asyncio.gather(*(chained.open(opening(f"req-{index}")) for index in range(60)))
    await chained.aclose()
    assert 1 <= len(commits) <= 5  # the first commit, then whatever queued meanwhile
    assert len(_events(audit_db)) == 60
    assert verify_chain(audit_db, ring).intact


async def test_one_bad_record_in_a_batch_fails_alone(
    audit_db: Database, tmp_path: Path, commits: list[int]
) -> None:
    ring = dev_ring(tmp_path)
    chained = trail(audit_db, ring)
    await chained.open(opening("req-dup"))
    commits.clear()
    ids = [f"req-{index}" for index in range(60)] + ["req-dup"]
    results = await asyncio.gather(
        *(chained.open(opening(request_id)) for request_id in ids), return_exceptions=True
    )
    await chained.aclose()
    failures = [ids[i] for i, result in enumerate(results) if isinstance(result, Exception)]
    assert failures == ["req-dup"]
    assert isinstance(results[-1], AuditUnavailable)
    assert 1 <= len(commits) <= 16  # halving the failed batch, not one commit per record
    assert len(_events(audit_db)) == 61
    assert verify_chain(audit_db, ring).intact


async def test_without_batching_each_record_is_its_own_commit(
    audit_db: Database, tmp_path: Path, commits: list[int]
) -> None:
    chained = trail(audit_db, dev_ring(tmp_path), batched=False)
    await asyncio.gather(*(chained.open(opening(f"req-{index}")) for index in range(10)))
    assert len(commits) == 10


def _append_from_a_process(url: str, data_dir: str, prefix: str, count: int) -> None:
    async def write() -> None:
        database = Database(url)
        chained = trail(database, dev_ring(Path(data_dir)))
        await asyncio.gather(
            *(chained.open(opening(f"{prefix}-{index}")) for index in range(count))
        )
        for index in range(count):
            await chained.close(f"{prefix}-{index}", closing())
        await chained.aclose()
        database.dispose()

    asyncio.run(write())


def test_several_processes_appending_at_once_keep_one_chain(
    audit_db: Database, tmp_path: Path
) -> None:
    ring = dev_ring(tmp_path)  # created once here; the processes load the same key
    context = multiprocessing.get_context("spawn")
    workers: list[Any] = [
        context.Process(
            target=_append_from_a_process, args=(audit_db.url, str(tmp_path), f"p{n}", 40)
        )
        for n in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    with audit_db.engine.connect() as connection:
        seqs = list(connection.execute(text("SELECT seq FROM audit_events ORDER BY seq")).scalars())
    assert seqs == list(range(1, 241))
    result = verify_chain(audit_db, ring)
    assert result.intact, result.finding
    assert result.entries == 240


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    with any_database("sqlite", tmp_path / "db", "audit") as database:
        yield database


async def test_sqlite_commits_on_the_event_loop_without_a_worker_thread(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring = dev_ring(tmp_path)
    chained = trail(sqlite_db, ring)

    def no_thread(_items: object) -> None:
        raise AssertionError("committed in a worker thread")

    # The writer holds the bound method it was given: that is what a worker thread would run.
    monkeypatch.setattr(chained._writer, "_commit", no_thread)
    await chained.open(opening("req-1"))
    await chained.close("req-1", closing())
    await chained.aclose()
    assert [(e.request_id, e.kind) for e in _events(sqlite_db)] == [
        ("req-1", "open"),
        ("req-1", "close"),
    ]
    assert verify_chain(sqlite_db, ring).intact


async def test_a_write_lock_held_elsewhere_moves_the_commit_to_a_thread_that_waits(
    sqlite_db: Database, tmp_path: Path
) -> None:
    ring = dev_ring(tmp_path)
    chained = trail(sqlite_db, ring)
    await chained.open(opening("req-0"))  # the event loop's connection exists from here on
    other = sqlite3.connect(sqlite_db.engine.url.database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's writer, say
    try:
        opened = asyncio.create_task(chained.open(opening("req-1")))
        await asyncio.sleep(0.3)
        assert not opened.done()  # neither failed nor committed: waiting for the lock
    finally:
        other.execute("ROLLBACK")
        other.close()
    await opened
    await chained.aclose()
    assert [e.request_id for e in _events(sqlite_db)] == ["req-0", "req-1"]
    assert verify_chain(sqlite_db, ring).intact


@pytest.mark.parametrize(
    ("request_bytes", "response_bytes", "threaded"),
    [(1000, 1000, []), (4000, 1000, ["open"]), (1000, 4000, ["close"])],
)
async def test_only_batches_with_small_bodies_are_committed_on_the_event_loop(
    sqlite_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request_bytes: int,
    response_bytes: int,
    threaded: list[str],
) -> None:
    ring = dev_ring(tmp_path)
    chained = ChainedAuditTrail(sqlite_db, ring, AuditSettings(), inline_max_body_bytes=3000)
    in_a_thread: list[str] = []
    commit_in_a_thread = chained._writer._commit

    def recording(items: Sequence[Any]) -> None:
        assert threading.current_thread() is not threading.main_thread()
        in_a_thread.extend("close" if hasattr(item, "closing") else "open" for item in items)
        commit_in_a_thread(items)

    monkeypatch.setattr(chained._writer, "_commit", recording)
    await chained.open(opening("req-1", body=b"x" * request_bytes))
    await chained.close("req-1", closing(body=b"y" * response_bytes))
    await chained.aclose()
    assert in_a_thread == threaded
    assert [(e.request_id, e.kind) for e in _events(sqlite_db)] == [
        ("req-1", "open"),
        ("req-1", "close"),
    ]
    assert verify_chain(sqlite_db, ring).intact


async def test_the_opening_that_checkpointed_the_wal_also_started_it_over(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """The next request's commit would otherwise pay the restart's fsync."""
    ring = dev_ring(tmp_path)
    chained = trail(sqlite_db, ring)
    path = Path(sqlite_db.engine.url.database or "")
    wal = path.parent / f"{path.name}-wal"

    def restarts() -> int:
        return int.from_bytes(wal.read_bytes()[12:16], "big")

    await chained.open(opening("req-first"))
    checkpoints = 0
    for index in range(60):  # about 12 MiB of WAL: SQLite checkpoints every 4 MiB
        os.utime(path, ns=(0, 0))  # a checkpoint, and only a checkpoint, writes the file
        before = restarts()
        await chained.open(opening(f"req-{index}", body=os.urandom(200_000)))
        if os.stat(path).st_mtime_ns != 0:
            checkpoints += 1
            assert restarts() == before + 1, f"request {index} checkpointed but left the WAL"
    await chained.aclose()
    assert checkpoints >= 2
    assert verify_chain(sqlite_db, ring).intact
