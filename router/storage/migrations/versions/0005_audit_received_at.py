"""Audit index: received_at, for the governance dashboard's and report's time windows.

Revision ID: 0005_audit_received_at
Revises: 0004_api_key_scopes
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0005_audit_received_at"
down_revision = "0004_api_key_scopes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_records_received_at", "audit_records", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_records_received_at", table_name="audit_records")
