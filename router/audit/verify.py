"""Walking the stored chain: from the newest purge checkpoint (or the start) to the head."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, select

from router.audit.chain import (
    ChainEntry,
    Finding,
    Tampering,
    checkpoint_mac,
    find_first_break,
)
from router.audit.keyring import AuditKeyError, KeyRing
from router.audit.tables import (
    GENESIS_HASH,
    AuditChainHeadRow,
    AuditCheckpointRow,
    AuditEventRow,
)
from router.storage.db import Database

_EVENTS = AuditEventRow.__table__  # type: ignore[attr-defined]
_HEAD = AuditChainHeadRow.__table__  # type: ignore[attr-defined]
_CHECKPOINTS = AuditCheckpointRow.__table__  # type: ignore[attr-defined]
_PAGE = 2000


@dataclass(frozen=True, slots=True)
class VerifyResult:
    entries: int
    start_seq: int
    finding: Finding | None

    @property
    def intact(self) -> bool:
        return self.finding is None


def verify_chain(database: Database, ring: KeyRing) -> VerifyResult:
    with database.engine.connect() as connection:
        head_seq, head_hash = connection.execute(
            select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)
        ).one()
        start = _start(connection, ring)
        if isinstance(start, Finding):
            return VerifyResult(0, 0, start)
        counter = _Counter()
        finding = find_first_break(
            counter.count(_entries(connection, start[0])),
            ring.chain_key,
            lambda entry_hash: _seqs_with_hash(connection, entry_hash),
            start,
            (head_seq, head_hash),
        )
        return VerifyResult(counter.seen, start[0], finding)


def latest_checkpoint(connection: Connection) -> AuditCheckpointRow | None:
    row = connection.execute(
        select(_CHECKPOINTS).order_by(_CHECKPOINTS.c.seq.desc()).limit(1)
    ).first()
    return AuditCheckpointRow.model_validate(row._mapping) if row is not None else None


def _start(connection: Connection, ring: KeyRing) -> tuple[int, str] | Finding:
    """Where verification begins: the newest signed checkpoint, else the genesis."""
    checkpoint = latest_checkpoint(connection)
    if checkpoint is None:
        return 0, GENESIS_HASH
    try:
        expected = checkpoint_mac(
            ring.chain_key(checkpoint.key_id),
            checkpoint.seq,
            checkpoint.hash,
            checkpoint.created_at,
        )
    except AuditKeyError:
        expected = ""
    if not hmac.compare_digest(expected, checkpoint.mac):
        detail = "the purge checkpoint's signature does not match"
        return Finding(Tampering.EDITED, checkpoint.seq, "-", detail)
    return checkpoint.seq, checkpoint.hash


def _entries(connection: Connection, after_seq: int) -> Iterator[ChainEntry]:
    columns = [_EVENTS.c[name] for name in ChainEntry.__slots__]
    while True:
        page = connection.execute(
            select(*columns).where(_EVENTS.c.seq > after_seq).order_by(_EVENTS.c.seq).limit(_PAGE)
        ).all()
        for row in page:
            yield ChainEntry(*row)
        if len(page) < _PAGE:
            return
        after_seq = page[-1].seq


def _seqs_with_hash(connection: Connection, entry_hash: str) -> list[int]:
    query = select(_EVENTS.c.seq).where(_EVENTS.c.hash == entry_hash).order_by(_EVENTS.c.seq)
    return list(connection.execute(query).scalars())


class _Counter:
    def __init__(self) -> None:
        self.seen = 0

    def count(self, entries: Iterator[ChainEntry]) -> Iterator[ChainEntry]:
        for entry in entries:
            self.seen += 1
            yield entry
