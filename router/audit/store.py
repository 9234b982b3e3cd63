"""Appending to the chain: one transaction per batch, serialised across every writer.

SQLite takes the database write lock first (`BEGIN IMMEDIATE`); PostgreSQL locks the chain
head row (`SELECT ... FOR UPDATE`). Either way two processes, or two replicas, can never link
to the same previous entry, and the sequence numbers stay gapless.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Dialect, select

from router.audit.chain import entry_mac
from router.audit.envelope import SealedBody, body_digest
from router.audit.keyring import KeyRing
from router.audit.sql_trail import AuditRecordRow
from router.audit.tables import AuditChainHeadRow, AuditEventRow
from router.storage import raw
from router.storage.db import Database

_EVENTS = AuditEventRow.__table__  # type: ignore[attr-defined]
_HEAD = AuditChainHeadRow.__table__  # type: ignore[attr-defined]
_INDEX = AuditRecordRow.__table__  # type: ignore[attr-defined]

# `chain_locked` (purge) reads the head through SQLAlchemy; appends use plain statements.
_HEAD_READ = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)
_HEAD_READ_LOCKED = _HEAD_READ.with_for_update()
_EVENT_COLUMNS = (
    "seq",
    "request_id",
    "kind",
    "recorded_at",
    "payload",
    "chain_key_id",
    "body_digest",
    "wrap_key_id",
    "wrapped_key",
    "body",
    "shredded_at",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """An entry ready to be linked: its payload is final and its body already sealed."""

    request_id: str
    kind: str
    recorded_at: dt.datetime
    payload: str
    sealed: SealedBody | None
    index_insert: dict[str, Any] | None = field(default=None)
    index_update: dict[str, Any] | None = field(default=None)


@contextmanager
def chain_locked(database: Database) -> Iterator[tuple[Connection, int, str]]:
    """A transaction holding the chain's append lock; yields it with the head (seq, hash)."""
    with database.engine.connect() as connection:
        if database.is_sqlite:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        query = _HEAD_READ if database.is_sqlite else _HEAD_READ_LOCKED
        seq, head_hash = connection.execute(query).one()
        yield connection, seq, head_hash
        connection.commit()


def append_entries(
    database: Database,
    ring: KeyRing,
    entries: Sequence[PreparedEntry],
    connection: Any = None,
) -> None:
    """Link and commit the entries, in order, in one transaction; raises if it cannot.

    On the given driver `connection`, or on one from the pool.

    Plain driver statements (`router.storage.raw`): this runs once per group commit, on every
    request's path, where SQLAlchemy Core cost more than the database did.
    """
    key_id = ring.active_id
    chain_key = ring.chain_key(key_id)
    dialect = database.engine.dialect
    with raw.transaction(database, immediate=True, connection=connection) as cursor:
        cursor.execute(_head_read_sql(dialect, locked=not database.is_sqlite))
        seq, prev_hash = cursor.fetchone()
        rows = []
        for entry in entries:
            seq += 1
            digest = entry.sealed.digest if entry.sealed else body_digest(b"")
            entry_hash = entry_mac(
                chain_key,
                prev_hash,
                entry.request_id,
                entry.kind,
                key_id,
                digest,
                entry.payload,
            )
            rows.append(_event_row(seq, entry, key_id, digest, prev_hash, entry_hash))
            prev_hash = entry_hash
        raw.insert(dialect, _EVENTS, _EVENT_COLUMNS).execute_many(cursor, rows)
        _write_index_raw(dialect, cursor, entries)
        head = raw.update(dialect, _HEAD, ("seq", "hash"), "id")
        cursor.execute(head.sql, head.parameters({"seq": seq, "hash": prev_hash, "id": 1}))


@functools.cache
def _head_read_sql(dialect: Dialect, *, locked: bool) -> str:
    query = _HEAD_READ_LOCKED if locked else _HEAD_READ
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _event_row(
    seq: int, entry: PreparedEntry, key_id: str, digest: str, prev_hash: str, entry_hash: str
) -> dict[str, Any]:
    sealed = entry.sealed
    return {
        "seq": seq,
        "request_id": entry.request_id,
        "kind": entry.kind,
        "recorded_at": entry.recorded_at,
        "payload": entry.payload,
        "chain_key_id": key_id,
        "body_digest": digest,
        "wrap_key_id": sealed.key_id if sealed else None,
        "wrapped_key": sealed.wrapped_key if sealed else None,
        "body": sealed.ciphertext if sealed else None,
        "shredded_at": None,
        "prev_hash": prev_hash,
        "hash": entry_hash,
    }


def _write_index_raw(dialect: Dialect, cursor: Any, entries: Sequence[PreparedEntry]) -> None:
    # Inserts first: a record opened and closed in the same batch is then updated in place.
    inserts: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for entry in entries:
        if entry.index_insert is not None:
            inserts.setdefault(tuple(entry.index_insert), []).append(entry.index_insert)
        if entry.index_update is not None:
            row = {**entry.index_update, "request_id": entry.request_id}
            updates.setdefault(tuple(sorted(entry.index_update)), []).append(row)
    for columns, rows in inserts.items():
        raw.insert(dialect, _INDEX, columns).execute_many(cursor, rows)
    for columns, rows in updates.items():
        raw.update(dialect, _INDEX, columns, "request_id").execute_many(cursor, rows)
