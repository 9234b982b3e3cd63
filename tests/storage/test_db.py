"""The server's SQLite database is checkpointed in the background, never by a committing
request; every other user of the database keeps SQLite's own checkpoints."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import text

from router.storage.db import Database

_PAGE = 4096


def _autocheckpoint(database: Database) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())


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


def test_commits_leave_the_wal_to_the_background_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    database = Database(f"sqlite:///{path}", background_checkpoints=True)
    try:
        assert database.background_checkpoints
        assert _autocheckpoint(database) == 0
        _write(database, 3, 600)  # past SQLite's own threshold of 1000 pages
        assert Path(f"{path}-wal").stat().st_size > 1700 * _PAGE  # no commit checkpointed
        assert _rows_in_the_database_file(path, tmp_path) == 0
        database.checkpoint()
        assert _rows_in_the_database_file(path, tmp_path) == 1800
    finally:
        database.dispose()


def test_other_users_keep_sqlites_own_checkpoints(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    database = Database(f"sqlite:///{path}")
    try:
        assert not database.background_checkpoints
        assert _autocheckpoint(database) == 1000
        _write(database, 3, 600)
        assert Path(f"{path}-wal").stat().st_size < 1300 * _PAGE  # restarted after a checkpoint
        assert _rows_in_the_database_file(path, tmp_path) >= 1200
    finally:
        database.dispose()


def test_postgresql_needs_no_background_checkpoints() -> None:
    database = Database(
        "postgresql+psycopg://postgres@127.0.0.1:5432/test", background_checkpoints=True
    )
    try:
        assert not database.background_checkpoints
        database.checkpoint()  # nothing to do, and no connection made
    finally:
        database.dispose()


def test_the_wal_stays_bounded_under_continuous_commits(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    limit = 64 * _PAGE
    database = Database(f"sqlite:///{path}", background_checkpoints=True, wal_truncate_bytes=limit)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_size_limit").scalar_one() == limit
    stop = threading.Event()
    sizes: list[int] = []

    def commit_continuously() -> None:
        # Steady commits: a passive checkpoint (which has a few hundred to copy) never
        # finishes before the next one, so the WAL is never restarted.
        while not stop.is_set():
            _write(database, 1, 2)
            sizes.append(Path(f"{path}-wal").stat().st_size)
            time.sleep(0.0005)

    writer = threading.Thread(target=commit_continuously)
    writer.start()
    try:
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            time.sleep(0.1)
            database.checkpoint()
    finally:
        stop.set()
        writer.join()
        database.dispose()
    written = sum(max(0, after - before) for before, after in itertools.pairwise(sizes))
    # The WAL holds what came since the last checkpoints, not everything ever committed.
    assert len(sizes) > 100 and max(sizes) < written / 2, (max(sizes), written)
