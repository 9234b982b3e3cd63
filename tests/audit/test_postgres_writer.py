"""On PostgreSQL the audit writer keeps one connection of its own: a server that ended it (a
restart, `pg_terminate_backend`) costs no request, and the chain stays whole."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from router.audit.chained_trail import ChainedAuditTrail
from router.audit.config import AuditSettings
from router.audit.verify import verify_chain
from router.storage.db import Database
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
