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

from sqlalchemy import Connection, Update, bindparam, insert, select, update

from router.audit.chain import entry_mac
from router.audit.envelope import SealedBody, body_digest
from router.audit.keyring import KeyRing
from router.audit.sql_trail import AuditRecordRow
from router.audit.tables import AuditChainHeadRow, AuditEventRow
from router.storage.db import Database

_EVENTS = AuditEventRow.__table__  # type: ignore[attr-defined]
_HEAD = AuditChainHeadRow.__table__  # type: ignore[attr-defined]
_INDEX = AuditRecordRow.__table__  # type: ignore[attr-defined]

# Statements are built once and reused: SQLAlchemy memoises a statement's cache key on the
# object, so a reused statement skips rebuilding and re-keying it on every request.
_HEAD_READ = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)
_HEAD_READ_LOCKED = _HEAD_READ.with_for_update()
_HEAD_WRITE = (
    update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("b_seq"), hash=bindparam("b_hash"))
)
_EVENTS_INSERT = insert(_EVENTS)
_INDEX_INSERT = insert(_INDEX)


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


def append_entries(database: Database, ring: KeyRing, entries: Sequence[PreparedEntry]) -> None:
    """Link and commit the entries, in order, in one transaction; raises if it cannot."""
    key_id = ring.active_id
    chain_key = ring.chain_key(key_id)
    with chain_locked(database) as (connection, seq, prev_hash):
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
        connection.execute(_EVENTS_INSERT, rows)
        _write_index(connection, entries)
        connection.execute(_HEAD_WRITE, {"b_seq": seq, "b_hash": prev_hash})


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


def _write_index(connection: Connection, entries: Sequence[PreparedEntry]) -> None:
    # Inserts first: a record opened and closed in the same batch is then updated in place.
    inserts = [entry.index_insert for entry in entries if entry.index_insert is not None]
    if inserts:
        connection.execute(_INDEX_INSERT, inserts)
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for entry in entries:
        if entry.index_update is not None:
            columns = tuple(sorted(entry.index_update))
            parameters = {f"b_{column}": value for column, value in entry.index_update.items()}
            parameters["b_request_id"] = entry.request_id
            updates.setdefault(columns, []).append(parameters)
    for columns, rows in updates.items():
        connection.execute(_index_update(columns), rows)


@functools.cache
def _index_update(columns: tuple[str, ...]) -> Update:
    """One statement per set of columns a closing fills in (there are only a few)."""
    return (
        update(_INDEX)
        .where(_INDEX.c.request_id == bindparam("b_request_id"))
        .values({column: bindparam(f"b_{column}") for column in columns})
    )
