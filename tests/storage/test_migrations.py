"""The migrations build the same schema on SQLite and PostgreSQL, and the chain starts empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.storage.databases import any_database


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrations_create_the_audit_tables_and_an_empty_chain_head(
    kind: str, tmp_path: Path
) -> None:
    with any_database(kind, tmp_path, "migrate") as database:
        tables = set(inspect(database.engine).get_table_names())
        assert {"audit_records", "audit_events", "audit_chain_head", "audit_checkpoints"} <= tables
        with database.engine.connect() as connection:
            head = connection.execute(text("SELECT seq, hash FROM audit_chain_head")).all()
        assert [tuple(row) for row in head] == [(0, "0" * 64)]
        database.migrate()  # a second run is a no-op, not an error


def test_check_writable_is_true_for_a_fresh_sqlite_database(tmp_path: Path) -> None:
    with any_database("sqlite", tmp_path, "writable") as database:
        assert database.check_writable()
