"""SQLite: the WAL file is synced to disk in the background, so that the checkpoint's own sync
has little left to write and an OS crash loses only the last moments' records."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from router.storage.wal_sync import WalSync


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Path, sqlite3.Connection]]:
    path = tmp_path / "audit.db"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    yield path, connection
    connection.close()


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The inode of each file `os.fdatasync` really synced."""
    inodes: list[int] = []
    real = os.fdatasync

    def recording(fd: int) -> None:
        real(fd)
        inodes.append(os.fstat(fd).st_ino)

    monkeypatch.setattr(os, "fdatasync", recording)
    return inodes


def test_each_sync_reaches_the_wal_file(
    database: tuple[Path, sqlite3.Connection], synced: list[int]
) -> None:
    path, connection = database
    wal = WalSync(f"sqlite:///{path}", 0.1)
    try:
        connection.execute("INSERT INTO t (v) VALUES ('x')")
        wal.sync()
        connection.execute("INSERT INTO t (v) VALUES ('y')")
        wal.sync()
    finally:
        wal.close()
    assert synced == [os.stat(f"{path}-wal").st_ino] * 2


def test_a_wal_replaced_or_gone_is_followed(
    database: tuple[Path, sqlite3.Connection], synced: list[int]
) -> None:
    path, connection = database
    wal_path = Path(f"{path}-wal")
    wal = WalSync(f"sqlite:///{path}", 0.1)
    try:
        connection.execute("INSERT INTO t (v) VALUES ('x')")
        wal.sync()
        first = wal_path.stat().st_ino
        connection.close()  # the last connection checkpoints and deletes the WAL
        assert not wal_path.exists()
        wal.sync()  # nothing to sync, no error
        again = sqlite3.connect(path, isolation_level=None)
        again.execute("INSERT INTO t (v) VALUES ('y')")
        wal.sync()
        second = wal_path.stat().st_ino
        again.close()
    finally:
        wal.close()
    assert synced == [first, second]


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://router@127.0.0.1:5432/test", "sqlite://", "sqlite:///:memory:"]
)
async def test_only_a_sqlite_file_is_synced(url: str, synced: list[int]) -> None:
    wal = WalSync(url, 0.01)
    assert not wal.enabled
    await asyncio.wait_for(wal.run(), timeout=5)  # returns at once: nothing to do
    wal.sync()
    assert synced == []


async def test_the_loop_syncs_until_cancelled_and_lets_the_file_go(
    database: tuple[Path, sqlite3.Connection], synced: list[int]
) -> None:
    path, connection = database
    connection.execute("INSERT INTO t (v) VALUES ('x')")
    sqlites_own = len(_open_files_named(f"{path}-wal"))
    wal = WalSync(f"sqlite:///{path}", 0.01)
    running = asyncio.create_task(wal.run())
    await asyncio.sleep(1.0)  # a hundred intervals
    assert len(_open_files_named(f"{path}-wal")) == sqlites_own + 1
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert len(synced) >= 2
    assert len(_open_files_named(f"{path}-wal")) == sqlites_own


def _open_files_named(name: str) -> list[str]:
    descriptors = Path("/proc/self/fd")
    opened = []
    for entry in descriptors.iterdir():
        try:
            opened.append(os.readlink(entry))
        except OSError:  # closed while listed
            continue
    return [target for target in opened if target == name]
