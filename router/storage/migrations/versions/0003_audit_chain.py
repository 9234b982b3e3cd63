"""The audit chain: append-only encrypted events, the chain head, purge checkpoints.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_GENESIS_HASH = "0" * 64


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recorded_at", timestamp, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("chain_key_id", sa.String(32), nullable=False),
        sa.Column("body_digest", sa.String(64), nullable=False),
        sa.Column("wrap_key_id", sa.String(32), nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("shredded_at", timestamp, nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    for column in ("request_id", "recorded_at", "hash"):
        op.create_index(f"ix_audit_events_{column}", "audit_events", [column])
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": _GENESIS_HASH}])
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    with op.batch_alter_table("audit_records") as batch:
        batch.add_column(sa.Column("forwarded_at", timestamp, nullable=True))
        batch.add_column(sa.Column("first_token_at", timestamp, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_records") as batch:
        batch.drop_column("first_token_at")
        batch.drop_column("forwarded_at")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_chain_head")
    for column in ("request_id", "recorded_at", "hash"):
        op.drop_index(f"ix_audit_events_{column}", table_name="audit_events")
    op.drop_table("audit_events")
