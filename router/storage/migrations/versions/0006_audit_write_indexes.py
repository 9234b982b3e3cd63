"""Audit indexes: fewer pages written per request.

Every index is one more B-tree page each audit commit writes to the log. Dropped: the
chained events' `hash` (read only to explain a break that `verify` found, where a scan will
do), the records' `decision_id` (never searched) and the single-column indexes on workload,
effective tier, outcome and route (a handful of values each, searched together with the
`received_at` order). Two composite indexes replace them: (principal_subject, received_at),
"what did this person do, newest first" in one range, and (outcome, received_at), because
refusals are rare and are what an auditor searches for (without it, a search for them walks
every record). On PostgreSQL the new indexes are built CONCURRENTLY, so appends (and so
requests) do not wait for the build; on SQLite the build holds the write lock, so upgrade a
large embedded database while the router is stopped.

Revision ID: 0006_audit_write_indexes
Revises: 0005_audit_received_at
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0006_audit_write_indexes"
down_revision = "0005_audit_received_at"
branch_labels = None
depends_on = None

_RECORD_COLUMNS = ("decision_id", "workload", "effective_tier", "outcome", "route")


def upgrade() -> None:
    op.drop_index("ix_audit_events_hash", table_name="audit_events")
    for column in _RECORD_COLUMNS:
        op.drop_index(f"ix_audit_records_{column}", table_name="audit_records")
    op.drop_index("ix_audit_records_principal_subject", table_name="audit_records")
    _create_without_blocking_appends(
        "ix_audit_records_principal_received", ["principal_subject", "received_at"]
    )
    _create_without_blocking_appends(
        "ix_audit_records_outcome_received", ["outcome", "received_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_records_outcome_received", table_name="audit_records")
    op.drop_index("ix_audit_records_principal_received", table_name="audit_records")
    op.create_index("ix_audit_records_principal_subject", "audit_records", ["principal_subject"])
    for column in _RECORD_COLUMNS:
        op.create_index(f"ix_audit_records_{column}", "audit_records", [column])
    op.create_index("ix_audit_events_hash", "audit_events", ["hash"])


def _create_without_blocking_appends(name: str, columns: list[str]) -> None:
    if op.get_context().dialect.name != "postgresql":
        op.create_index(name, "audit_records", columns)
        return
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    with op.get_context().autocommit_block():
        op.create_index(name, "audit_records", columns, postgresql_concurrently=True)
