"""Retention: expired bodies are shredded, expired entries dropped behind a signed checkpoint,
nothing inside its retention period is touched unless forced, and `verify` still passes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from router.audit.config import AuditSettings
from router.audit.keyring import KeyRing
from router.audit.purge import PurgeRefused, purge
from router.audit.reader import show_record
from router.audit.verify import verify_chain
from router.storage.db import Database
from tests.audit.records import dev_ring, write_records

NOW = dt.datetime.now(dt.UTC)
SEVEN_YEARS_AGO = NOW - dt.timedelta(days=7 * 365)
ONE_YEAR_AGO = NOW - dt.timedelta(days=365)


async def _aged_records(database: Database, tmp_path: Path) -> KeyRing:
    """Four records: the first two (seq 1-4) seven years old, the others one year old."""
    ring = dev_ring(tmp_path)
    await write_records(database, ring, 4)
    with database.engine.begin() as connection:
        for seqs, moment in (((1, 4), SEVEN_YEARS_AGO), ((5, 8), ONE_YEAR_AGO)):
            connection.execute(
                text("UPDATE audit_events SET recorded_at = :at WHERE seq BETWEEN :a AND :b"),
                {"at": moment, "a": seqs[0], "b": seqs[1]},
            )
    return ring


def _bodies(database: Database, ring: KeyRing, request_id: str) -> list[str]:
    return [e["body"] for e in show_record(database, ring, request_id, "test") if "body" in e]


async def test_expired_bodies_are_shredded_and_the_chain_still_verifies(
    audit_db: Database, tmp_path: Path
) -> None:
    ring = await _aged_records(audit_db, tmp_path)
    result = purge(audit_db, ring, AuditSettings(), NOW - dt.timedelta(days=2500))
    assert (result.shredded, result.deleted) == (4, 0)
    assert _bodies(audit_db, ring, "req-0") == ["<shredded>", "<shredded>"]
    assert _bodies(audit_db, ring, "req-3")[0].startswith('{"messages"')
    assert verify_chain(audit_db, ring).intact


async def test_purging_inside_the_retention_period_is_refused_unless_forced(
    audit_db: Database, tmp_path: Path
) -> None:
    ring = await _aged_records(audit_db, tmp_path)
    with pytest.raises(PurgeRefused, match="4 entries"):
        purge(audit_db, ring, AuditSettings(), NOW)
    assert _bodies(audit_db, ring, "req-3")[1] == '{"choices":[]}'
    result = purge(audit_db, ring, AuditSettings(), NOW, force=True)
    assert result.shredded == 8


async def test_a_workload_may_keep_its_records_longer(audit_db: Database, tmp_path: Path) -> None:
    ring = await _aged_records(audit_db, tmp_path)
    longer = AuditSettings(workload_retention_days={"general": 10 * 365})
    with pytest.raises(PurgeRefused):
        purge(audit_db, ring, longer, NOW - dt.timedelta(days=2500))


async def test_dropped_entries_leave_a_checkpoint_that_verify_starts_from(
    audit_db: Database, tmp_path: Path
) -> None:
    ring = await _aged_records(audit_db, tmp_path)
    result = purge(
        audit_db, ring, AuditSettings(), NOW - dt.timedelta(days=2500), drop_metadata=True
    )
    assert (result.deleted, result.checkpoint_seq) == (4, 4)
    verified = verify_chain(audit_db, ring)
    assert verified.intact, verified.finding
    assert (verified.start_seq, verified.entries) == (4, 4)
    assert show_record(audit_db, ring, "req-0", "test") == []
    with audit_db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_checkpoints"))
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None and finding.seq == 5  # its predecessor is gone, unexplained


async def test_a_forged_checkpoint_is_detected(audit_db: Database, tmp_path: Path) -> None:
    ring = await _aged_records(audit_db, tmp_path)
    purge(audit_db, ring, AuditSettings(), NOW - dt.timedelta(days=2500), drop_metadata=True)
    with audit_db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_checkpoints SET seq = 6"))
        connection.execute(text("DELETE FROM audit_events WHERE seq <= 6"))
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None
    assert "checkpoint" in finding.detail
