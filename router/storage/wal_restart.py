"""SQLite: the WAL started over by the commit that checkpointed it, not by the next one.

Every 4 MiB of WAL, the connection that commits copies the WAL into the database file (a
checkpoint: two fsyncs). The next write after a complete checkpoint starts the WAL over from
its beginning, and that restart syncs the new WAL header: one more fsync, 0.3-3 ms on a virtual
disk, paid by the request after the one that checkpointed. With about 215 requests between
checkpoints, those two requests in each round were 0.9% of all: the router's p99 at
concurrency 1. Restarting at once, in the request that checkpointed (already the slow one),
leaves one slow request per round instead of two.

A checkpoint is seen without a hook (Python's `sqlite3` has none): in WAL mode only a
checkpoint writes to the database file, so its modification time moves. The restart needs a
write that changes a page; the header's `user_version`, unused by the schema, is one.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from typing import Any

from router.storage.db import sqlite_file

log = logging.getLogger(__name__)

_USER_VERSION_LIMIT = 2**31


class WalRestart:
    def __init__(self, url: str) -> None:
        self._path = sqlite_file(url)
        self._seen: int | None = None

    def after_commit(self, connection: Any) -> None:
        """Call after each commit on `connection` (a DB-API SQLite connection, not inside a
        transaction); never raises: the commit itself is done."""
        if self._path is None:
            return
        try:
            modified = os.stat(self._path).st_mtime_ns
        except OSError:
            return
        previous, self._seen = self._seen, modified
        if previous is None or modified == previous:
            return
        cursor = connection.cursor()
        try:
            version = cursor.execute("PRAGMA user_version").fetchone()[0]
            # PRAGMA takes no parameters; the value is an int read just above.
            cursor.execute(f"PRAGMA user_version = {(version + 1) % _USER_VERSION_LIMIT}")
        except sqlite3.Error as error:  # e.g. another process holds the write lock: the next
            log.debug("WAL restart skipped (%s)", type(error).__name__)  # commit restarts it
        finally:
            cursor.close()
