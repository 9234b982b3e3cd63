"""A PostgreSQL connection kept out of the pool for one serial user: the audit writer.

The pool checks a connection with a round trip (`pool_pre_ping`) at every checkout, which on
the audit path was one round trip in eight on every request. This connection is taken once
and kept; before each use a look at its socket, without a round trip, tells whether the
server has closed it (a restart, an administrator's `pg_terminate_backend`, an idle timeout:
the server writes its farewell and closes, so an idle connection with something to read is
being closed). Such a connection, and one that failed, is replaced by a new one: the next
transaction after PostgreSQL returns works. A connection lost without a word (a network
partition) fails the transaction that meets it, and the next one gets a new connection.

Not for SQLite: the audit writer keeps its own inline SQLite connection.
"""

from __future__ import annotations

import logging
import select
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg.pq import TransactionStatus
from sqlalchemy import PoolProxiedConnection

from router.storage.db import Database

log = logging.getLogger(__name__)


class DedicatedConnection:
    """One driver connection for one user at a time; `use()` yields it, live."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._connection: PoolProxiedConnection | None = None

    @contextmanager
    def use(self) -> Iterator[PoolProxiedConnection]:
        """The connection, replaced first if the server closed it; dropped if the work fails
        on a connection that is no longer usable (the next `use()` connects again)."""
        connection = self._connection
        if connection is not None and not _idle_and_open(connection):
            log.info("the database closed the audit writer's connection; reconnecting")
            self.close()
            connection = None
        if connection is None:
            connection = self._database.engine.raw_connection()  # checked by the pool's ping
            connection.detach()  # ours until `close()`, never handed to anyone else
            self._connection = connection
        try:
            yield connection
        except BaseException:
            if not _idle_and_open(connection):
                self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # it is being thrown away, broken or not
                log.debug("closing a broken database connection failed", exc_info=True)
            self._connection = None


def _idle_and_open(connection: PoolProxiedConnection) -> bool:
    """True when the driver connection is open, outside any transaction, and the server has
    sent nothing since (between our transactions it has nothing to say but goodbye)."""
    driver = connection.dbapi_connection  # (a detached connection has no driver_connection)
    if driver is None or driver.closed or driver.broken:
        return False
    if driver.info.transaction_status != TransactionStatus.IDLE:
        return False
    readable, _, _ = select.select([driver.fileno()], [], [], 0)
    return not readable
