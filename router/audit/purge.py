"""Retention: shred expired bodies, and optionally drop expired entries behind a checkpoint.

Shredding destroys each body's wrapped data key (and the ciphertext with it); the chain covers
only the ciphertext's digest, so it still verifies. Dropping entries deletes a prefix of the
chain and leaves a checkpoint, signed with the chain key, holding the hash of the last entry
deleted: `verify` starts there. Nothing inside its retention period is touched unless forced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from router.audit.chain import checkpoint_mac
from router.audit.config import AuditSettings
from router.audit.keyring import KeyRing
from router.audit.sql_trail import AuditRecordRow
from router.audit.store import chain_locked
from router.audit.tables import AuditCheckpointRow, AuditEventRow
from router.storage.db import Database

_EVENTS = AuditEventRow.__table__  # type: ignore[attr-defined]
_INDEX = AuditRecordRow.__table__  # type: ignore[attr-defined]
_CHECKPOINTS = AuditCheckpointRow.__table__  # type: ignore[attr-defined]


class PurgeRefused(Exception):
    """Some entries before the date are still inside their retention period."""


@dataclass(frozen=True, slots=True)
class PurgeResult:
    shredded: int
    deleted: int
    checkpoint_seq: int | None


def purge(
    database: Database,
    ring: KeyRing,
    audit: AuditSettings,
    before: dt.datetime,
    *,
    force: bool = False,
    drop_metadata: bool = False,
) -> PurgeResult:
    now = dt.datetime.now(dt.UTC)
    before = before.astimezone(dt.UTC)  # stored timestamps are UTC (SQLite drops the zone)
    with chain_locked(database) as (connection, head_seq, _head_hash):
        retained = _still_retained(connection, audit, before, now)
        if retained and not force:
            raise PurgeRefused(
                f"{retained} entries before {before.date()} are inside their retention period "
                f"({audit.retention_days} days by default); use --force to purge them anyway"
            )
        shredded = connection.execute(
            update(_EVENTS)
            .where(_EVENTS.c.recorded_at < before, _EVENTS.c.wrapped_key.is_not(None))
            .values(body=None, wrapped_key=None, wrap_key_id=None, shredded_at=now)
        ).rowcount
        if not drop_metadata:
            return PurgeResult(shredded, 0, None)
        deleted, checkpoint_seq = _drop_prefix(connection, ring, before, head_seq, now)
        return PurgeResult(shredded, deleted, checkpoint_seq)


def _still_retained(
    connection: Connection, audit: AuditSettings, before: dt.datetime, now: dt.datetime
) -> int:
    rows = connection.execute(
        select(_EVENTS.c.recorded_at, _INDEX.c.workload)
        .select_from(_EVENTS.outerjoin(_INDEX, _INDEX.c.request_id == _EVENTS.c.request_id))
        .where(_EVENTS.c.recorded_at < before)
    ).all()
    return sum(
        1
        for recorded_at, workload in rows
        if _utc(recorded_at) + dt.timedelta(days=audit.retention_for(workload or "")) > now
    )


def _drop_prefix(
    connection: Connection, ring: KeyRing, before: dt.datetime, head_seq: int, now: dt.datetime
) -> tuple[int, int | None]:
    """Delete every entry up to the first one recorded at or after `before`; sign where."""
    first_kept = connection.execute(
        select(_EVENTS.c.seq).where(_EVENTS.c.recorded_at >= before).order_by(_EVENTS.c.seq)
    ).first()
    cut = first_kept[0] - 1 if first_kept is not None else head_seq
    cut_hash = connection.execute(select(_EVENTS.c.hash).where(_EVENTS.c.seq == cut)).scalar()
    if cut_hash is None:
        return 0, None
    opened = select(_EVENTS.c.request_id).where(_EVENTS.c.seq <= cut, _EVENTS.c.kind == "open")
    connection.execute(delete(_INDEX).where(_INDEX.c.request_id.in_(opened)))
    deleted = connection.execute(delete(_EVENTS).where(_EVENTS.c.seq <= cut)).rowcount
    created_at = now.isoformat()
    mac = checkpoint_mac(ring.chain_key(ring.active_id), cut, cut_hash, created_at)
    connection.execute(
        insert(_CHECKPOINTS).values(
            seq=cut, hash=cut_hash, created_at=created_at, key_id=ring.active_id, mac=mac
        )
    )
    return deleted, cut


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
