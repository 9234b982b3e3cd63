"""A PostgreSQL connection of the audit writer's own, used on the event loop.

Taken from the pool, the audit commit paid a round trip (`pool_pre_ping`) at every checkout
and two thread switches (a worker thread for the blocking driver, and back). This connection
is psycopg's asyncio one, made once and kept: the event loop serves other requests while the
database answers. Before each use a look at its socket, without a round trip, tells whether
the server has closed it (a restart, an administrator's `pg_terminate_backend`, an idle
timeout: the server says goodbye and closes, so an idle connection with something to read is
being closed). Such a connection, and one left unusable by a failure, is replaced by a new
one: the next transaction after PostgreSQL returns works. A connection lost without a word (a
network partition) fails the transaction that meets it, and the next one connects again.

Made from the engine's URL with the dialect's own connection arguments (and type adapters),
so it reaches the same database as the pool, and parameters convert the same way. It is in
autocommit mode: a transaction is asked for explicitly (`connection.transaction()`), and a
single query needs no BEGIN and COMMIT of its own (`raw.async_statements`).
"""

from __future__ import annotations

import logging
import select
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from router.storage.db import Database

log = logging.getLogger(__name__)


class DedicatedConnection:
    """One asyncio driver connection for one user at a time; `use()` yields it, live."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._connection: psycopg.AsyncConnection[Any] | None = None

    @asynccontextmanager
    async def use(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """The connection, replaced first if the server closed it; dropped if the work fails
        and leaves it unusable (the next `use()` connects again)."""
        connection = self._connection
        if connection is not None and not _idle_and_open(connection):
            log.info("the database closed the audit writer's connection; reconnecting")
            await self.aclose()
            connection = None
        if connection is None:
            engine = self._database.engine
            args, options = engine.dialect.create_connect_args(engine.url)
            connection = await psycopg.AsyncConnection.connect(*args, **options, autocommit=True)
            self._connection = connection
        try:
            yield connection
        except BaseException:
            if not _idle_and_open(connection):
                await self.aclose()
            raise

    async def aclose(self) -> None:
        if self._connection is not None:
            try:
                await self._connection.close()
            except Exception:  # it is being thrown away, broken or not
                log.debug("closing a broken database connection failed", exc_info=True)
            self._connection = None


def _idle_and_open(connection: psycopg.AsyncConnection[Any]) -> bool:
    """True when the connection is open, outside any transaction, and the server has sent
    nothing since (between our transactions it has nothing to say but goodbye)."""
    if connection.closed or connection.broken:
        return False
    if connection.info.transaction_status != TransactionStatus.IDLE:
        return False
    readable, _, _ = select.select([connection.fileno()], [], [], 0)
    return not readable
