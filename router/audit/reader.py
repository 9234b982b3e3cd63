"""Reading the trail: one record with its decrypted bodies (itself audited), and search."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from router.audit.envelope import BodyUnreadable, SealedBody, open_sealed
from router.audit.keyring import KeyRing
from router.audit.payload import canonical_json
from router.audit.sql_trail import AuditRecordRow
from router.audit.store import PreparedEntry, append_entries
from router.audit.tables import AuditEventRow
from router.storage.db import Database

_EVENTS = AuditEventRow.__table__  # type: ignore[attr-defined]
_INDEX = AuditRecordRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What a search of the audit index narrows to; a filter left as None matches all."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    workload: str | None = None
    principal: str | None = None
    route: str | None = None
    outcome: str | None = None
    tier: str | None = None
    limit: int = 1000


def show_record(database: Database, ring: KeyRing, request_id: str, reader: str) -> list[Any]:
    """Every entry of one record, bodies decrypted; the read is appended to the chain first."""
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(_EVENTS).where(_EVENTS.c.request_id == request_id).order_by(_EVENTS.c.seq)
        ).all()
    if not rows:
        return []
    _record_the_read(database, ring, request_id, reader)
    return [_describe(ring, AuditEventRow.model_validate(row._mapping)) for row in rows]


def search_records(database: Database, filters: SearchFilters) -> Iterator[dict[str, Any]]:
    query = select(_INDEX).order_by(_INDEX.c.received_at).limit(filters.limit)
    with database.engine.connect() as connection:
        for row in connection.execute(matching_records(query, filters)):
            yield {key: _plain(value) for key, value in row._mapping.items()}


def matching_records(query: Select[Any], filters: SearchFilters) -> Select[Any]:
    """`query` narrowed to the index rows the filters match (shared by the CLI's search and
    the governance dashboard's, so both find the same records)."""
    equal = {
        "workload": filters.workload,
        "principal_subject": filters.principal,
        "route": filters.route,
        "outcome": filters.outcome,
        "effective_tier": filters.tier,
    }
    for column, value in equal.items():
        if value is not None:
            query = query.where(_INDEX.c[column] == value)
    if filters.since is not None:
        query = query.where(_INDEX.c.received_at >= filters.since)
    if filters.until is not None:
        query = query.where(_INDEX.c.received_at < filters.until)
    return query


def _record_the_read(database: Database, ring: KeyRing, request_id: str, reader: str) -> None:
    now = dt.datetime.now(dt.UTC)
    payload = {"recorded_at": now.isoformat(), "request_id": request_id, "reader": reader}
    entry = PreparedEntry(
        request_id=request_id,
        kind="read",
        recorded_at=now,
        payload=canonical_json(payload),
        sealed=None,
    )
    append_entries(database, ring, [entry])


def _describe(ring: KeyRing, row: AuditEventRow) -> dict[str, Any]:
    described: dict[str, Any] = {
        "seq": row.seq,
        "kind": row.kind,
        "metadata": json.loads(row.payload),
    }
    if row.kind in ("open", "close"):
        described["body"] = _body(ring, row)
    return described


def _body(ring: KeyRing, row: AuditEventRow) -> str:
    if row.body is None or row.wrapped_key is None or row.wrap_key_id is None:
        return "<shredded>" if row.shredded_at else "<no body>"
    sealed = SealedBody(key_id=row.wrap_key_id, wrapped_key=row.wrapped_key, ciphertext=row.body)
    try:
        return open_sealed(ring, sealed, row.request_id, row.kind).decode("utf-8", "replace")
    except BodyUnreadable as error:
        return f"<unreadable: {error}>"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value
