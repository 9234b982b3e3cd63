"""SQLite: the WAL synced to disk in the background, a little at a time.

With `synchronous=NORMAL`, a commit only writes the WAL into the page cache; the WAL reaches
the disk at the next checkpoint (every 4 MiB), whose first fsync then writes all of it at once:
9-15 ms on a virtual disk, paid by the request whose commit ran the checkpoint. Syncing the WAL
file from a worker thread every fraction of a second (no SQLite lock is involved: it is the
file's own fsync) leaves each checkpoint only the last moments' pages to write, and bounds what
an OS crash or power loss can take to those same moments instead of 4 MiB of records.
"""

from __future__ import annotations

import asyncio
import logging
import os

from router.storage.db import sqlite_file

log = logging.getLogger(__name__)


class WalSync:
    """`run()` syncs the WAL of the SQLite database at `url` every `interval_seconds` until
    cancelled; for any other database (or SQLite in memory) there is nothing to do."""

    def __init__(self, url: str, interval_seconds: float) -> None:
        database = sqlite_file(url)
        self._wal = f"{database}-wal" if database is not None else None
        self._interval = interval_seconds
        self._fd: int | None = None
        self._inode: int | None = None

    @property
    def enabled(self) -> bool:
        return self._wal is not None

    async def run(self) -> None:
        if self._wal is None:
            return
        try:
            while True:
                await asyncio.sleep(self._interval)
                try:
                    await asyncio.to_thread(self.sync)
                except OSError as error:  # the checkpoints still sync it
                    log.warning("background WAL sync failed (%s)", type(error).__name__)
        finally:
            self.close()

    def sync(self) -> None:
        """One sync of the WAL as it is now (a worker thread's call: it waits on the disk)."""
        if self._wal is None:
            return
        try:
            inode = os.stat(self._wal).st_ino
        except FileNotFoundError:
            self.close()  # no WAL now (the last connection closed it): nothing to sync
            return
        if inode != self._inode:
            self.close()
            self._fd = os.open(self._wal, os.O_RDONLY)
            self._inode = inode
        if self._fd is not None:
            os.fdatasync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd = self._inode = None
