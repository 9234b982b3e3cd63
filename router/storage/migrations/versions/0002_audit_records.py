"""Audit records: one per request, written before the request is forwarded.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "audit_records",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("decision_id", sa.String(64), nullable=False),
        sa.Column("received_at", timestamp, nullable=False),
        sa.Column("completed_at", timestamp, nullable=True),
        sa.Column("principal_kind", sa.String(), nullable=False),
        sa.Column("principal_subject", sa.String(), nullable=False),
        sa.Column("principal_name", sa.String(), nullable=False),
        sa.Column("api_key_id", sa.String(), nullable=True),
        sa.Column("client_ip", sa.String(), nullable=False),
        sa.Column("user_agent", sa.String(), nullable=False),
        sa.Column("endpoint", sa.String(), nullable=False),
        sa.Column("workload", sa.String(), nullable=False),
        sa.Column("declared_tier", sa.String(), nullable=True),
        sa.Column("detected_tier", sa.String(), nullable=False),
        sa.Column("effective_tier", sa.String(), nullable=False),
        sa.Column("entity_counts", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("route", sa.String(), nullable=True),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("policy_version", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("logical_model", sa.String(), nullable=False),
        sa.Column("upstream_model", sa.String(), nullable=True),
        sa.Column("deidentified", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error_class", sa.String(), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("router_ms", sa.Float(), nullable=True),
        sa.Column("upstream_ms", sa.Float(), nullable=True),
        sa.Column("total_ms", sa.Float(), nullable=True),
    )
    for column in (
        "decision_id",
        "principal_subject",
        "workload",
        "effective_tier",
        "outcome",
        "route",
    ):
        op.create_index(f"ix_audit_records_{column}", "audit_records", [column])


def downgrade() -> None:
    op.drop_table("audit_records")
