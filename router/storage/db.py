"""The database: SQLite (WAL) embedded by default, PostgreSQL in production.

Calls are synchronous SQLAlchemy; request handlers reach them through worker threads so the
event loop never waits on network I/O or on a lock. One exception: the audit trail commits to
SQLite on the event loop when it can take the write lock at once (`router.audit.writer`); that
commit only writes the WAL into the page cache, since checkpoints run in the background.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).parent / "migrations"
_WAL_TRUNCATE_BYTES = 64 * 1024 * 1024
_BUSY_TIMEOUT_SECONDS = 30
_TRUNCATE_WAIT_MS = 200


class Database:
    """Owns the engine; `migrate()` brings the schema to the newest revision.

    `background_checkpoints` (the server's own database): SQLite's WAL is not checkpointed by
    the connection that commits, which made every few dozen audit commits wait for two fsyncs
    (about 15 ms, the router's p99); the server calls `checkpoint()` off the request path.
    """

    def __init__(
        self,
        url: str,
        *,
        background_checkpoints: bool = False,
        wal_truncate_bytes: int = _WAL_TRUNCATE_BYTES,
    ) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        self.background_checkpoints = background_checkpoints and self.is_sqlite
        self._wal_path = _wal_path(url) if self.is_sqlite else None
        self._wal_truncate_bytes = wal_truncate_bytes
        self.engine = _create_engine(
            url, self.is_sqlite, self.background_checkpoints, wal_truncate_bytes
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        with self.engine.begin() as connection:
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

    def checkpoint(self) -> None:
        """Copy the WAL into the database file without waiting for (or blocking) any writer,
        and empty it once it is larger than `wal_truncate_bytes`.

        Syncs the WAL first: it bounds what an OS crash or power loss can take (docs/audit.md).
        """
        if not self.is_sqlite:
            return
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            if self._wal_size() > self._wal_truncate_bytes:
                self._truncate_wal(connection)

    def _truncate_wal(self, connection: Connection) -> None:
        # A WAL only restarts from its beginning once a checkpoint has caught up with every
        # commit, which a passive one never does while commits keep coming: the WAL grew
        # without bound. TRUNCATE holds writers back until it is done (the event loop's
        # commits get SQLITE_BUSY and move to a worker thread) and empties the file. It also
        # waits for readers of older snapshots while holding writers back, so that wait is
        # kept short: if it runs out, the next checkpoint tries again.
        connection.exec_driver_sql(f"PRAGMA busy_timeout={_TRUNCATE_WAIT_MS}")
        try:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_SECONDS * 1000}")

    def _wal_size(self) -> int:
        try:
            return self._wal_path.stat().st_size if self._wal_path else 0
        except FileNotFoundError:
            return 0

    def dispose(self) -> None:
        self.engine.dispose()


def _wal_path(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(f"{database}-wal")


def _create_engine(
    url: str, is_sqlite: bool, background_checkpoints: bool, wal_limit_bytes: int
) -> Engine:
    if not is_sqlite:
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": _BUSY_TIMEOUT_SECONDS}
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    if background_checkpoints:
        event.listen(engine, "connect", _no_checkpoint_on_commit)
        event.listen(
            engine,
            "connect",
            lambda connection, _: _journal_size_limit(connection, wal_limit_bytes),
        )
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during the audit writer's commits; NORMAL sync is durable
    # across process crashes in WAL mode, which is what the write-ahead guarantee needs.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _no_checkpoint_on_commit(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _journal_size_limit(dbapi_connection: Any, limit_bytes: int) -> None:
    # Whatever checkpoint restarts the WAL also shrinks its file back to this size.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA journal_size_limit={int(limit_bytes)}")
    cursor.close()
