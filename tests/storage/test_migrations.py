"""The migrations build the same schema on SQLite and PostgreSQL, and the chain starts empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from router.storage import db
from router.storage.db import Database
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


def _index_names(database: Database, table: str) -> set[str]:
    return {str(index["name"]) for index in inspect(database.engine).get_indexes(table)}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_audit_tables_keep_only_the_indexes_their_readers_use(
    kind: str, tmp_path: Path
) -> None:
    with any_database(kind, tmp_path, "indexes") as database:
        assert _index_names(database, "audit_events") == {
            "ix_audit_events_request_id",
            "ix_audit_events_recorded_at",
        }
        assert _index_names(database, "audit_records") == {
            "ix_audit_records_received_at",
            "ix_audit_records_principal_received",
            "ix_audit_records_outcome_received",
        }
        config = Config()
        config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
        with database.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0005_audit_received_at")
        assert "ix_audit_records_workload" in _index_names(database, "audit_records")
        database.migrate()
        assert "ix_audit_records_workload" not in _index_names(database, "audit_records")
