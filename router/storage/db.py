"""The database: SQLite (WAL) embedded by default, PostgreSQL in production.

Calls are synchronous SQLAlchemy; request handlers reach them through worker threads so the
event loop never waits on network I/O or on a lock. One exception: the audit trail commits to
SQLite on the event loop when it can take the write lock at once (`router.audit.writer`); that
commit writes the WAL into the page cache, and every 4 MiB of WAL it also runs SQLite's own
checkpoint (a few milliseconds of disk writes and fsyncs, once every couple of hundred
requests; the server syncs the WAL in the background meanwhile, `router.storage.wal_sync`).
On PostgreSQL the audit writer awaits its commits on the event loop through an asyncio
connection of its own (`router.storage.dedicated`), outside this pool.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).parent / "migrations"
# Every audit commit writes each B-tree page it changes to the WAL in full, and most of those
# pages (one per index) change by a few dozen bytes: smaller pages mean fewer bytes per request
# (benchmarks/audit_wal.py: 4 KiB pages 51 KB per request, 1 KiB pages 19 KB). Only a new
# database takes it; an existing one keeps the page size it was created with.
_NEW_DATABASE_PAGE_SIZE = 1024
# SQLite checkpoints (on the committing connection) once the WAL holds this much, whatever the
# page size: fewer bytes per request then mean fewer checkpoints per request.
_WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024


class Database:
    """Owns the engine; `migrate()` brings the schema to the newest revision."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine = _create_engine(url, self.is_sqlite)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        # Alembic owns the transactions (one per migration): a migration may step outside
        # them, e.g. to build a PostgreSQL index CONCURRENTLY.
        with self.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def check_writable(self) -> bool:
        """True when a write transaction could be committed right now."""
        try:
            with self.engine.connect() as connection:
                if self.is_sqlite:
                    # Taking the write lock proves the file and its directory are writable.
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                    connection.exec_driver_sql("ROLLBACK")
                    return True
                in_recovery = connection.execute(text("SELECT pg_is_in_recovery()")).scalar()
                return in_recovery is False
        except Exception:  # noqa: BLE001 - any failure means "not writable"
            log.warning("database is not writable")
            return False

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_file(url: str) -> str | None:
    """The file a SQLite database URL names; None for another database, or SQLite in memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    return database if database and database != ":memory:" else None


def _create_engine(url: str, is_sqlite: bool) -> Engine:
    if not is_sqlite:
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    database = sqlite_file(url)
    if database is not None:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during the audit writer's commits; NORMAL sync is durable
    # across process crashes in WAL mode, which is what the write-ahead guarantee needs.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA page_size={_NEW_DATABASE_PAGE_SIZE}")  # before anything is written
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    page_size = cursor.execute("PRAGMA page_size").fetchone()[0]
    cursor.execute(f"PRAGMA wal_autocheckpoint={_WAL_CHECKPOINT_BYTES // page_size}")
    cursor.close()
