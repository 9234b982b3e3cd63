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
    dialect = database.engine.dialect
    with raw.transaction(database, immediate=True, connection=connection) as cursor:
        cursor.execute(_head_read_sql(dialect, locked=not database.is_sqlite))
        seq, prev_hash = cursor.fetchone()
        for sql, parameters in _writes(dialect, ring, entries, seq, prev_hash):
            cursor.executemany(sql, parameters)


async def append_entries_async(
    database: Database, ring: KeyRing, entries: Sequence[PreparedEntry], connection: Any
) -> None:
    """`append_entries` on an asyncio driver connection (PostgreSQL): the event loop goes on
    serving requests while the database answers, and no thread hands the work back."""
    dialect = database.engine.dialect
    async with raw.async_transaction(connection) as cursor:
        await cursor.execute(_head_read_sql(dialect, locked=True))
        seq, prev_hash = await cursor.fetchone()
        for sql, parameters in _writes(dialect, ring, entries, seq, prev_hash):
            await cursor.executemany(sql, parameters)


Writes = list[tuple[str, list[tuple[Any, ...]]]]


def _writes(
    dialect: Dialect, ring: KeyRing, entries: Sequence[PreparedEntry], seq: int, prev_hash: str
) -> Writes:
    """The statements that link `entries` after the head (seq, prev_hash), in order."""
    key_id = ring.active_id
    chain_key = ring.chain_key(key_id)
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
    events = raw.insert(dialect, _EVENTS, _EVENT_COLUMNS)
    head = raw.update(dialect, _HEAD, ("seq", "hash"), "id")
    return [
        (events.sql, events.parameters_of(rows)),
        *_index_writes(dialect, entries),
        (head.sql, head.parameters_of([{"seq": seq, "hash": prev_hash, "id": 1}])),
    ]


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


def _index_writes(dialect: Dialect, entries: Sequence[PreparedEntry]) -> Writes:
    # Inserts first: a record opened and closed in the same batch is then updated in place.
    inserts: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for entry in entries:
        if entry.index_insert is not None:
            inserts.setdefault(tuple(entry.index_insert), []).append(entry.index_insert)
        if entry.index_update is not None:
            row = {**entry.index_update, "request_id": entry.request_id}
            updates.setdefault(tuple(sorted(entry.index_update)), []).append(row)
    writes: Writes = []
    for columns, rows in inserts.items():
        insert = raw.insert(dialect, _INDEX, columns)
        writes.append((insert.sql, insert.parameters_of(rows)))
    for columns, rows in updates.items():
        update = raw.update(dialect, _INDEX, columns, "request_id")
        writes.append((update.sql, update.parameters_of(rows)))
    return writes
