"""SQLite: the commit that checkpointed the WAL also starts it over, so the next request's
commit does not pay the restart's fsync."""

from __future__ import annotations

import os
import sqlite3
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from router.storage.wal_restart import WalRestart


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Path, sqlite3.Connection]]:
    path = tmp_path / "audit.db"
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")  # the test says when
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    yield path, connection
    connection.close()


def _commit(connection: sqlite3.Connection, count: int = 1) -> None:
    for _ in range(count):
        connection.execute("INSERT INTO t (v) VALUES (?)", ("x" * 200,))


def _restarts(path: Path) -> int:
    """The WAL header's checkpoint sequence number: one more at every restart of the WAL."""
    header = (path.parent / f"{path.name}-wal").read_bytes()[:16]
    return int(struct.unpack(">I", header[12:16])[0])


def _checkpoint(path: Path, connection: sqlite3.Connection) -> None:
    # Back-date the file first: its time moves by the kernel's clock tick, and the test must not
    # depend on a tick passing since the file was last written.
    os.utime(path, ns=(0, 0))
    busy, _frames, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0


def test_the_wal_starts_over_in_the_commit_that_checkpointed(
    database: tuple[Path, sqlite3.Connection],
) -> None:
    path, connection = database
    restart = WalRestart(f"sqlite:///{path}")
    _commit(connection, 50)
    os.utime(path, ns=(0, 0))
    restart.after_commit(connection)  # learns the file as it is
    _checkpoint(path, connection)
    before = _restarts(path)
    restart.after_commit(connection)
    assert _restarts(path) == before + 1
    _commit(connection)
    restart.after_commit(connection)
    assert _restarts(path) == before + 1  # the next commit found it done


def test_nothing_is_written_while_no_checkpoint_ran(
    database: tuple[Path, sqlite3.Connection],
) -> None:
    path, connection = database
    restart = WalRestart(f"sqlite:///{path}")
    _commit(connection)
    restart.after_commit(connection)
    before = _restarts(path), connection.execute("PRAGMA user_version").fetchone()[0]
    for _ in range(20):
        _commit(connection)
        restart.after_commit(connection)
    after = _restarts(path), connection.execute("PRAGMA user_version").fetchone()[0]
    assert after == before


def test_a_write_lock_held_elsewhere_leaves_the_restart_to_the_next_commit(
    database: tuple[Path, sqlite3.Connection], tmp_path: Path
) -> None:
    path, connection = database
    restart = WalRestart(f"sqlite:///{path}")
    _commit(connection, 10)
    os.utime(path, ns=(0, 0))
    restart.after_commit(connection)
    _checkpoint(path, connection)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        restart.after_commit(connection)  # busy: no error, no restart
        other.execute("ROLLBACK")
    finally:
        other.close()
    before = _restarts(path)
    _commit(connection)
    assert _restarts(path) == before + 1


def test_an_in_memory_database_is_left_alone() -> None:
    connection = sqlite3.connect(":memory:")
    try:
        WalRestart("sqlite://").after_commit(connection)
        WalRestart("sqlite:///:memory:").after_commit(connection)
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 0
    finally:
        connection.close()
