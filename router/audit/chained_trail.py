"""The audit trail the router writes to: encrypted, hash-chained, group-committed.

`open()` returns only once the opening entry is committed, and raises `AuditUnavailable`
otherwise, so no backend is ever called without a record. `close()` appends the closing
entry and never raises: the response has already gone out. A closing the store cannot take
waits in `PendingClosings` and is written when the store is back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import PoolProxiedConnection, select

from router.audit.config import AuditSettings
from router.audit.envelope import seal
from router.audit.keyring import KeyRing
from router.audit.payload import (
    canonical_json,
    closing_payload,
    index_row,
    index_update,
    opening_payload,
)
from router.audit.pending import PendingClosings
from router.audit.record import AuditClosing, AuditOpening
from router.audit.sql_trail import AuditRecordRow
from router.audit.store import AsyncChainAppender, PreparedEntry, append_entries
from router.audit.writer import GroupCommitWriter
from router.errors import AuditUnavailable
from router.storage.db import Database
from router.storage.dedicated import DedicatedConnection
from router.storage.wal_restart import WalRestart

log = logging.getLogger(__name__)

_INDEX = AuditRecordRow.__table__  # type: ignore[attr-defined]
_IDS_PER_QUERY = 1000
# Sealing (AES-GCM) and writing bodies up to 4 MiB each would hold the event loop for
# milliseconds: batches carrying more than this go to a worker thread instead.
_INLINE_MAX_BODY_BYTES = 256 * 1024
# PostgreSQL: each row of a batch is one more statement the event loop awaits the sending of,
# dearer there than in a worker thread's blocking driver; a batch this big (high concurrency)
# shares the thread switch among its requests anyway.
_ON_LOOP_MAX_ITEMS = 8


@dataclass(frozen=True, slots=True)
class _Closing:
    request_id: str
    closing: AuditClosing


def _body_size(item: AuditOpening | _Closing) -> int:
    if isinstance(item, _Closing):
        return len(item.closing.response_body)
    return len(item.request_body)


class ChainedAuditTrail:
    def __init__(
        self,
        database: Database,
        ring: KeyRing,
        settings: AuditSettings,
        *,
        batched: bool = True,
        inline_max_body_bytes: int = _INLINE_MAX_BODY_BYTES,
    ) -> None:
        self._database = database
        self._ring = ring
        self._batched = batched
        self._inline_max_body_bytes = inline_max_body_bytes
        # SQLite only: the event loop's own connection.
        self._inline_connection: PoolProxiedConnection | None = None
        # PostgreSQL, batched: the writer's own connection (it commits one batch at a time).
        self._writer_connection = (
            DedicatedConnection(database) if batched and not database.is_sqlite else None
        )
        self._appender = AsyncChainAppender(database, ring)
        inline = self._commit_inline if batched and database.is_sqlite else None
        self._wal_restart = WalRestart(database.url) if database.is_sqlite else None
        on_loop = self._commit_async if self._writer_connection is not None else None
        self._writer: GroupCommitWriter[AuditOpening | _Closing] = GroupCommitWriter(
            self._commit,
            max_batch=settings.batch_max_records,
            batched=batched,
            linger_seconds=settings.closing_linger_seconds,
            commit_inline=inline,
            commit_async=on_loop,
        )
        self._pending: PendingClosings[_Closing] = PendingClosings(
            self._writer.write, self._still_open, lambda item: item.request_id
        )

    async def open(self, opening: AuditOpening) -> None:
        try:
            await self._writer.write(opening)
        except Exception:  # noqa: BLE001 - any storage failure refuses the request
            log.error("audit record could not be written; refusing the request")
            raise AuditUnavailable(
                "The audit trail is unavailable, so the request was not forwarded."
            ) from None

    async def close(self, request_id: str, closing: AuditClosing) -> None:
        # Nobody waits for a closing entry (the response is out), so it is queued to share the
        # next opening's commit rather than awaited; `aclose()` waits until it is written.
        item = _Closing(request_id, closing)

        def write_later() -> None:
            log.error("audit record %s could not be completed yet; will retry", request_id)
            self._pending.keep(item)

        if self._batched:
            self._writer.submit(item, on_failure=write_later)
            return
        try:
            await self._writer.write(item)
        except Exception:  # noqa: BLE001 - the response is already out; write it later
            write_later()

    async def aclose(self) -> None:
        await self._pending.aclose()
        await self._writer.aclose()
        if self._inline_connection is not None:
            self._inline_connection.close()
            self._inline_connection = None
        if self._writer_connection is not None:
            await self._writer_connection.aclose()

    async def _still_open(self, request_ids: Collection[str]) -> set[str]:
        return await asyncio.to_thread(self._open_among, list(request_ids))

    def _open_among(self, request_ids: list[str]) -> set[str]:
        found: set[str] = set()
        with self._database.engine.connect() as connection:
            for start in range(0, len(request_ids), _IDS_PER_QUERY):
                chunk = request_ids[start : start + _IDS_PER_QUERY]
                query = select(_INDEX.c.request_id).where(
                    _INDEX.c.request_id.in_(chunk), _INDEX.c.completed_at.is_(None)
                )
                found.update(connection.execute(query).scalars())
        return found

    def _commit(self, items: Sequence[AuditOpening | _Closing]) -> None:
        # Runs in a worker thread: sealing happens here, before the chain lock is taken.
        self._appender.moved_to(None)  # if this fails, whether it committed is unknown
        head = append_entries(self._database, self._ring, [self._prepare(item) for item in items])
        self._appender.moved_to(head)

    async def _commit_async(self, items: Sequence[AuditOpening | _Closing]) -> bool:
        """PostgreSQL: commit on the event loop, which serves other requests while the
        database answers; False (nothing written) for batches whose bodies would hold the
        loop for long to seal, and for batches of many rows: a worker thread commits those."""
        if (
            self._writer_connection is None
            or self._too_big_for_the_loop(items)
            or len(items) > _ON_LOOP_MAX_ITEMS
        ):
            return False
        entries = [self._prepare(item) for item in items]
        async with self._writer_connection.use() as connection:
            await self._appender.append(entries, connection)
        return True

    def _commit_inline(self, items: Sequence[AuditOpening | _Closing]) -> bool:
        """Commit on the event loop, or return False (nothing written) if that would mean
        waiting for another process's write lock, or sealing and writing large bodies. SQLite
        only: a commit writes to the WAL in the page cache, and every 4 MiB of WAL runs SQLite's
        own checkpoint. A background checkpointer was measured and dropped: copying the WAL
        under sustained load made commits wait on the disk (benchmarks/README.md)."""
        if self._too_big_for_the_loop(items):
            return False
        if self._inline_connection is None:
            connection = self._database.engine.raw_connection()
            connection.detach()  # ours until `aclose()`, never handed to a worker thread
            cursor = connection.cursor()
            cursor.execute("PRAGMA busy_timeout=0")  # never wait for the lock
            cursor.close()
            self._inline_connection = connection
        entries = [self._prepare(item) for item in items]
        try:
            append_entries(self._database, self._ring, entries, self._inline_connection)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
                return False  # rolled back; a worker thread waits for the lock instead
            raise
        if self._wal_restart is not None:
            self._wal_restart.after_commit(self._inline_connection)
        return True

    def _too_big_for_the_loop(self, items: Sequence[AuditOpening | _Closing]) -> bool:
        return sum(map(_body_size, items)) > self._inline_max_body_bytes

    def _prepare(self, item: AuditOpening | _Closing) -> PreparedEntry:
        now = dt.datetime.now(dt.UTC)
        if isinstance(item, _Closing):
            closing = item.closing
            return PreparedEntry(
                request_id=item.request_id,
                kind="close",
                recorded_at=now,
                payload=canonical_json(closing_payload(item.request_id, closing, now)),
                sealed=seal(self._ring, closing.response_body, item.request_id, "close"),
                index_update=index_update(closing),
            )
        return PreparedEntry(
            request_id=item.request_id,
            kind="open",
            recorded_at=now,
            payload=canonical_json(opening_payload(item, now)),
            sealed=seal(self._ring, item.request_body, item.request_id, "open"),
            index_insert=index_row(item),
        )
