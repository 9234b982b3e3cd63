"""The searchable index of audit records: one row of metadata per request, no bodies.

The evidence is the append-only, hash-chained event table (`router.audit.tables`); this row
is written in the same transaction as each event so that `audit search` can filter by indexed
columns. It is a convenience, not evidence: `audit show` reads the chained events.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, DateTime, Index
from sqlmodel import Field, SQLModel


def _timestamp(nullable: bool = True, index: bool = False) -> Column[dt.datetime]:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class AuditRecordRow(SQLModel, table=True):
    """Indexed only where a reader needs it (migration 0006): each index costs every request
    one more page written."""

    __tablename__ = "audit_records"
    __table_args__ = (
        Index("ix_audit_records_principal_received", "principal_subject", "received_at"),
        # Refusals are rare and are what auditors look for: without this, "show me the
        # refusals" walks every record in the received_at index.
        Index("ix_audit_records_outcome_received", "outcome", "received_at"),
    )

    request_id: str = Field(primary_key=True, max_length=64)
    decision_id: str = Field(max_length=64)
    received_at: dt.datetime = Field(sa_column=_timestamp(nullable=False, index=True))
    completed_at: dt.datetime | None = Field(default=None, sa_column=_timestamp())
    principal_kind: str
    principal_subject: str
    principal_name: str = ""
    api_key_id: str | None = None
    client_ip: str = ""
    user_agent: str = ""
    endpoint: str
    workload: str
    declared_tier: str | None = None
    detected_tier: str
    effective_tier: str
    entity_counts: dict[str, int] = Field(sa_column=Column(JSON, nullable=False))
    outcome: str
    route: str | None = None
    rule: str
    policy_version: str
    reason: str
    logical_model: str
    upstream_model: str | None = None
    deidentified: bool = False
    status_code: int | None = None
    error_class: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    router_ms: float | None = None
    upstream_ms: float | None = None
    total_ms: float | None = None
    forwarded_at: dt.datetime | None = Field(default=None, sa_column=_timestamp())
    first_token_at: dt.datetime | None = Field(default=None, sa_column=_timestamp())
