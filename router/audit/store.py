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

import psycopg
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
# PostgreSQL only (`AsyncChainAppender`); the names are the tables' own.
_HEAD_MOVE = (
    "UPDATE audit_chain_head SET seq = %s, hash = %s WHERE id = 1 AND seq = %s AND hash = %s"
)
_HEAD_CHECK = "SELECT 1 / count(*) FROM audit_chain_head WHERE id = 1 AND seq = %s AND hash = %s"
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
) -> ChainHead:
    """Link and commit the entries, in order, in one transaction, and return the new head;
    raises if it cannot.

    On the given driver `connection`, or on one from the pool.

    Plain driver statements (`router.storage.raw`): this runs once per group commit, on every
    request's path, where SQLAlchemy Core cost more than the database did.
    """
    dialect = database.engine.dialect
    with raw.transaction(database, immediate=True, connection=connection) as cursor:
        cursor.execute(_head_read_sql(dialect, locked=not database.is_sqlite))
        seq, prev_hash = cursor.fetchone()
        writes, head = _writes(dialect, ring, entries, ChainHead(seq, prev_hash))
        for sql, parameters in [*writes, _head_update(dialect, head)]:
            cursor.executemany(sql, parameters)
    return head


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last entry's sequence number and hash, as a writer last saw them."""

    seq: int
    hash: str


class AsyncChainAppender:
    """`append_entries` on an asyncio driver connection (PostgreSQL, autocommit mode): the
    event loop goes on serving requests while the database answers.

    While this writer is the chain's only writer, it links after the head it left without
    reading it first: the transaction is one round trip, and it checks the head is still that
    one. If another writer (another process, another replica) moved it, nothing is written and
    the append runs the locked way, reading the head under its row lock; it goes on that way
    until an append finds the head where this writer left it.
    """

    def __init__(self, database: Database, ring: KeyRing) -> None:
        self._database = database
        self._ring = ring
        self._left: ChainHead | None = None  # the head after this writer's last append
        self._alone = False  # no other writer moved the head before the last append

    def moved_to(self, head: ChainHead | None) -> None:
        """This writer appended another way (in a worker thread) and left the head there;
        None: it does not know where the head is."""
        self._left = head

    async def append(self, entries: Sequence[PreparedEntry], connection: Any) -> None:
        dialect = self._database.engine.dialect
        left = self._left
        self._left = None  # unknown until this append is known to have committed
        if self._alone and left is not None:
            writes, head = _writes(dialect, self._ring, entries, left)
            try:
                await raw.async_statements(connection, _after_known_head(left, head, writes))
            except (psycopg.errors.DivisionByZero, psycopg.errors.UniqueViolation):
                self._alone = False  # the head had moved: nothing was written
            else:
                self._left = head
                return
        async with raw.async_transaction(connection) as cursor:
            await cursor.execute(_head_read_sql(dialect, locked=True))
            found = ChainHead(*await cursor.fetchone())
            writes, head = _writes(dialect, self._ring, entries, found)
            for sql, parameters in [*writes, _head_update(dialect, head)]:
                await cursor.executemany(sql, parameters)
        self._alone = found == left
        self._left = head


def _after_known_head(
    known: ChainHead, new: ChainHead, writes: Writes
) -> list[tuple[str, Sequence[Any]]]:
    """The statements of an append after `known`, the head moved first: its row lock is what
    the locked way takes first too, so two writers never wait on each other in a cycle. If
    the head was no longer `known`, the update changes no row and the check after it divides
    by zero, which rolls the whole transaction back."""
    return [
        (_HEAD_MOVE, (new.seq, new.hash, known.seq, known.hash)),
        (_HEAD_CHECK, (new.seq, new.hash)),
        *((sql, row) for sql, rows in writes for row in rows),
    ]


Writes = list[tuple[str, list[tuple[Any, ...]]]]


def _writes(
    dialect: Dialect, ring: KeyRing, entries: Sequence[PreparedEntry], head: ChainHead
) -> tuple[Writes, ChainHead]:
    """The inserts and updates that link `entries` after `head`, in order, and the new head
    (moving the head row itself is left to the caller)."""
    key_id = ring.active_id
    chain_key = ring.chain_key(key_id)
    seq, prev_hash = head.seq, head.hash
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
    writes = [(events.sql, events.parameters_of(rows)), *_index_writes(dialect, entries)]
    return writes, ChainHead(seq, prev_hash)


def _head_update(dialect: Dialect, head: ChainHead) -> tuple[str, list[tuple[Any, ...]]]:
    update = raw.update(dialect, _HEAD, ("seq", "hash"), "id")
    return update.sql, update.parameters_of([{"seq": head.seq, "hash": head.hash, "id": 1}])


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
