"""SQLite keeps its own WAL checkpoints: the WAL restarts and the rows reach the database
file while commits go on (a background checkpointer was measured and dropped). New databases
get small pages; an existing one keeps its own, and either checkpoints every 4 MiB of WAL."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import text

from router.storage.db import Database

_MIB = 1024 * 1024


def _pragma(database: Database, name: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(text(f"PRAGMA {name}")).scalar_one())


def _write(database: Database, transactions: int, rows: int) -> None:
    """Each row fills about one page."""
    for _ in range(transactions):
        with database.engine.begin() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS filler (data BLOB)"))
            for _ in range(rows):
                connection.execute(text("INSERT INTO filler VALUES (randomblob(4000))"))


def _rows_in_the_database_file(path: Path, tmp_path: Path) -> int:
    """Rows readable from the main file alone, i.e. already checkpointed out of the WAL."""
    alone = tmp_path / "alone.db"
    shutil.copyfile(path, alone)
    with sqlite3.connect(alone) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE name = 'filler'")
        if not tables.fetchall():
            return 0
        return int(connection.execute("SELECT count(*) FROM filler").fetchone()[0])


def test_sqlite_checkpoints_its_own_wal(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    database = Database(f"sqlite:///{path}")
    try:
        _write(database, 3, 600)  # about 2.6 MiB of WAL each
        assert Path(f"{path}-wal").stat().st_size < 6 * _MIB  # restarted after a checkpoint
        assert _rows_in_the_database_file(path, tmp_path) >= 1200
    finally:
        database.dispose()


def test_a_new_database_gets_small_pages(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        assert _pragma(database, "page_size") == 1024
        assert _pragma(database, "wal_autocheckpoint") * 1024 == 4 * _MIB
    finally:
        database.dispose()


def test_an_existing_database_keeps_its_pages(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA page_size=4096")
        connection.execute("CREATE TABLE kept (x)")
    database = Database(f"sqlite:///{path}")
    try:
        database.migrate()
        assert _pragma(database, "page_size") == 4096
        assert _pragma(database, "wal_autocheckpoint") * 4096 == 4 * _MIB
    finally:
        database.dispose()
