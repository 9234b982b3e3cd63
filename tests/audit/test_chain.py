"""`verify` names the first edited, deleted, inserted or reordered entry, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from router.audit.chain import Tampering
from router.audit.keyring import KeyRing
from router.audit.verify import verify_chain
from router.storage.db import Database
from tests.audit.records import dev_ring, write_records

COLUMNS = (
    "request_id, kind, recorded_at, payload, chain_key_id, body_digest, wrap_key_id, "
    "wrapped_key, body, shredded_at, prev_hash, hash"
)


async def _four_records(database: Database, tmp_path: Path) -> KeyRing:
    """Eight entries, seq 1 to 8: the opening and closing of four records."""
    ring = dev_ring(tmp_path)
    await write_records(database, ring, 4)
    return ring


def _run(database: Database, *statements: str, **params: Any) -> None:
    with database.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), params)


def _hash(database: Database, seq: int) -> str:
    with database.engine.connect() as connection:
        query = text("SELECT hash FROM audit_events WHERE seq = :seq")
        return str(connection.execute(query, {"seq": seq}).scalar_one())


def _move(database: Database, source: int, target: int) -> None:
    _run(
        database,
        "UPDATE audit_events SET seq = :target WHERE seq = :source",
        source=source,
        target=target,
    )


async def test_an_untouched_chain_verifies(audit_db: Database, tmp_path: Path) -> None:
    ring = await _four_records(audit_db, tmp_path)
    result = verify_chain(audit_db, ring)
    assert result.intact, result.finding
    assert result.entries == 8


async def test_an_edited_entry_is_named(audit_db: Database, tmp_path: Path) -> None:
    ring = await _four_records(audit_db, tmp_path)
    _run(
        audit_db,
        "UPDATE audit_events SET payload = REPLACE(payload, :old, :new) WHERE seq = 4",
        old='"status_code":200',
        new='"status_code":500',
    )
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None
    assert (finding.problem, finding.seq, finding.request_id) == (Tampering.EDITED, 4, "req-1")


async def test_an_edited_ciphertext_is_named(audit_db: Database, tmp_path: Path) -> None:
    ring = await _four_records(audit_db, tmp_path)
    with audit_db.engine.begin() as connection:
        body = connection.execute(text("SELECT body FROM audit_events WHERE seq = 3")).scalar_one()
        altered = bytes(body[:-1]) + bytes([body[-1] ^ 1])
        connection.execute(text("UPDATE audit_events SET body = :b WHERE seq = 3"), {"b": altered})
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None
    assert (finding.problem, finding.seq) == (Tampering.EDITED, 3)


async def test_a_deleted_entry_is_named(audit_db: Database, tmp_path: Path) -> None:
    ring = await _four_records(audit_db, tmp_path)
    _run(audit_db, "DELETE FROM audit_events WHERE seq = 5")
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None
    assert (finding.problem, finding.seq) == (Tampering.DELETED, 6)
    assert "after seq 4" in finding.detail


async def test_an_inserted_entry_is_named(audit_db: Database, tmp_path: Path) -> None:
    ring = await _four_records(audit_db, tmp_path)
    for seq in range(8, 4, -1):  # make room at seq 5, as an intruder would
        _move(audit_db, seq, seq + 1)
    _run(
        audit_db,
        f"INSERT INTO audit_events (seq, {COLUMNS}) SELECT 5, 'forged', kind, recorded_at, "
        "payload, chain_key_id, body_digest, wrap_key_id, wrapped_key, body, shredded_at, "
        f"hash, :fake FROM audit_events WHERE seq = 4",
        fake="f" * 64,
    )
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None
    assert (finding.problem, finding.seq, finding.request_id) == (
        Tampering.INSERTED,
        5,
        "forged",
    )


async def test_a_replayed_copy_of_a_valid_entry_is_named(
    audit_db: Database, tmp_path: Path
) -> None:
    ring = await _four_records(audit_db, tmp_path)
    _run(
        audit_db,
        f"INSERT INTO audit_events (seq, {COLUMNS}) SELECT 9, {COLUMNS} "
        "FROM audit_events WHERE seq = 2",
    )
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None
    assert (finding.problem, finding.seq) == (Tampering.INSERTED, 9)
    assert "seq 2" in finding.detail


async def test_reordered_entries_are_named(audit_db: Database, tmp_path: Path) -> None:
    ring = await _four_records(audit_db, tmp_path)
    _move(audit_db, 3, 100)
    _move(audit_db, 4, 3)
    _move(audit_db, 100, 4)
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None
    assert (finding.problem, finding.seq) == (Tampering.REORDERED, 3)


async def test_a_removed_newest_entry_is_named(audit_db: Database, tmp_path: Path) -> None:
    ring = await _four_records(audit_db, tmp_path)
    _run(audit_db, "DELETE FROM audit_events WHERE seq = 8")
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None
    assert (finding.problem, finding.seq) == (Tampering.TRUNCATED, 8)


async def test_a_rewritten_hash_does_not_hide_an_edit(audit_db: Database, tmp_path: Path) -> None:
    ring = await _four_records(audit_db, tmp_path)
    _run(
        audit_db,
        "UPDATE audit_events SET payload = REPLACE(payload, :old, :new), hash = :fake "
        "WHERE seq = 1",
        old="app-1",
        new="someone-else",
        fake="a" * 64,
    )
    assert _hash(audit_db, 1) == "a" * 64
    finding = verify_chain(audit_db, ring).finding
    assert finding is not None
    assert (finding.problem, finding.seq) == (Tampering.EDITED, 1)
