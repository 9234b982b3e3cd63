"""Audit indexes: fewer pages written per request.

Every index is one more B-tree page each audit commit writes to the log. Dropped: the
chained events' `hash` (read only to explain a break that `verify` found, where a scan will
do), the records' `decision_id` (never searched) and the single-column indexes on workload,
effective tier, outcome and route (a handful of values each: a search filtering on one of them
is served as well by the `received_at` order it sorts by). The principal's index becomes
(principal_subject, received_at): "what did this person do, newest first" in one range.

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
    op.create_index(
        "ix_audit_records_principal_received",
        "audit_records",
        ["principal_subject", "received_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_audit_records_principal_received", table_name="audit_records")
    op.create_index("ix_audit_records_principal_subject", "audit_records", ["principal_subject"])
    for column in _RECORD_COLUMNS:
        op.create_index(f"ix_audit_records_{column}", "audit_records", [column])
    op.create_index("ix_audit_events_hash", "audit_events", ["hash"])
