"""Plain DB-API statements for the few writes on the request path.

SQLAlchemy Core costs more CPU per audit append than the database does (building an execution
context, compiling cache keys, processing parameters row by row). These statements are written
once per table and column set, in the driver's own placeholder style, and executed on the
pooled driver connection; the values still go through SQLAlchemy's own type conversions, so
what is stored is exactly what the ORM writes and reads (SQLite's datetime text, JSON, bytes).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import Dialect, Table

from router.storage.db import Database

Row = Mapping[str, Any]
_Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class RawStatement:
    """SQL with positional placeholders and the conversion of each parameter, in order."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[_Processor, ...]

    def parameters(self, row: Row) -> tuple[Any, ...]:
        return tuple(
            row[name] if process is None else process(row[name])
            for name, process in zip(self.names, self.processors, strict=True)
        )

    def parameters_of(self, rows: Sequence[Row]) -> list[tuple[Any, ...]]:
        return [self.parameters(row) for row in rows]


@functools.cache
def insert(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> RawStatement:
    """`INSERT INTO table (columns) VALUES (...)`."""
    processors = _processors(dialect, table, columns)  # raises for a column not in the table
    quote = dialect.identifier_preparer.quote
    marks = ", ".join([_placeholder(dialect)] * len(columns))
    # Identifiers only from the table's metadata; every value is a bound parameter.
    sql = f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) VALUES ({marks})"  # noqa: S608
    return RawStatement(sql, columns, processors)


@functools.cache
def update(dialect: Dialect, table: Table, columns: tuple[str, ...], key: str) -> RawStatement:
    """`UPDATE table SET columns WHERE key = ?`: the key is the last parameter."""
    names = (*columns, key)
    processors = _processors(dialect, table, names)  # raises for a column not in the table
    quote = dialect.identifier_preparer.quote
    mark = _placeholder(dialect)
    assignments = ", ".join(f"{quote(column)} = {mark}" for column in columns)
    # Identifiers only from the table's metadata; every value is a bound parameter.
    sql = f"UPDATE {quote(table.name)} SET {assignments} WHERE {quote(key)} = {mark}"  # noqa: S608
    return RawStatement(sql, names, processors)


@contextmanager
def transaction(
    database: Database, *, immediate: bool = False, connection: Any = None
) -> Iterator[Any]:
    """A cursor in a transaction, committed at the end and rolled back on any error.

    On `connection` when given (the caller keeps it), else on one from the pool. `immediate`
    takes SQLite's write lock at once. On PostgreSQL the statements are pipelined: they go out
    without waiting for each other's results, so a transaction costs a round trip per result
    read (a `fetchone()`) plus one for the writes and the COMMIT, not one per statement.
    """
    pooled = connection is None
    if pooled:
        connection = database.engine.raw_connection()
    try:
        with contextlib.nullcontext() if database.is_sqlite else connection.pipeline():
            cursor = connection.cursor()
            if immediate and database.is_sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            finally:
                cursor.close()
            connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        if pooled:
            connection.close()  # back to the pool


@asynccontextmanager
async def async_transaction(connection: Any) -> AsyncIterator[Any]:
    """`transaction()` on an asyncio driver connection (psycopg's, in autocommit mode), pipelined
    the same way: BEGIN goes out with the first statement, COMMIT with the last."""
    async with connection.pipeline(), connection.transaction():
        cursor = connection.cursor()
        try:
            yield cursor
        finally:
            await cursor.close()


async def async_statements(
    connection: Any, statements: Sequence[tuple[str, Sequence[Any]]]
) -> None:
    """Run `statements` as one transaction in one round trip, or raise having changed nothing.

    On psycopg's asyncio connection in autocommit mode: the values are bound on the client and
    the statements sent as one simple query, which PostgreSQL runs as one implicit transaction
    (an error in any statement rolls back all of them). No BEGIN, no COMMIT, no result to wait
    for in between: the whole transaction is a single exchange with the server.
    """
    async with psycopg.AsyncClientCursor(connection) as cursor:
        # Bound one statement at a time: the driver caches the parsing of a statement of up to
        # 50 parameters, and a whole transaction's text has more.
        sql = "; ".join(cursor.mogrify(statement, values) for statement, values in statements)
        await cursor.execute(sql)


def _placeholder(dialect: Dialect) -> str:
    # sqlite3 takes qmark; psycopg takes %s with a tuple whatever style SQLAlchemy uses.
    return "?" if dialect.paramstyle == "qmark" else "%s"


def _processors(dialect: Dialect, table: Table, names: tuple[str, ...]) -> tuple[_Processor, ...]:
    return tuple(table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
