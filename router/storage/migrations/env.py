"""Alembic environment: runs on the connection the router hands it (see Database.migrate)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import router.audit.sql_trail
import router.audit.tables
import router.identity.api_keys  # noqa: F401

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
