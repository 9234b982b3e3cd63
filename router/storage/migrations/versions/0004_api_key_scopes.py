"""API keys: per-key rate limits, and the key a rotated key replaced.

Revision ID: 0004_api_key_scopes
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_api_key_scopes"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as table:
        table.add_column(sa.Column("requests_per_minute", sa.Integer(), nullable=True))
        table.add_column(sa.Column("tokens_per_minute", sa.Integer(), nullable=True))
        table.add_column(sa.Column("rotated_from", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as table:
        table.drop_column("rotated_from")
        table.drop_column("tokens_per_minute")
        table.drop_column("requests_per_minute")
