"""The audit writer's own PostgreSQL connection: kept between transactions, replaced when the
server has closed it or when it broke under use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from router.storage.db import Database
from router.storage.dedicated import DedicatedConnection
from tests.storage.databases import POSTGRES_SERVER, any_database


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Database]:
    with any_database("postgresql", tmp_path, "dedicated") as database:
        yield database


def end_backends(database: Database) -> int:
    """What an administrator or a restarting server does: end every session of the database,
    waiting until each is gone."""
    name = database.engine.url.database
    with psycopg.connect(**POSTGRES_SERVER, autocommit=True) as admin:  # type: ignore[arg-type]
        ended = admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))"
            " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchone()
    return int(ended[0]) if ended else 0


async def backend_pid(connection: DedicatedConnection) -> int:
    async with connection.use() as driver:
        cursor = await driver.execute("SELECT pg_backend_pid()")
        row = await cursor.fetchone()
        await driver.commit()
    assert row is not None
    return int(row[0])


async def test_the_connection_is_kept_between_uses(postgres: Database) -> None:
    connection = DedicatedConnection(postgres)
    try:
        first = await backend_pid(connection)
        assert await backend_pid(connection) == first
    finally:
        await connection.aclose()


async def test_a_connection_the_server_closed_is_replaced_before_use(postgres: Database) -> None:
    connection = DedicatedConnection(postgres)
    try:
        first = await backend_pid(connection)
        assert end_backends(postgres) >= 1
        assert await backend_pid(connection) != first  # no error: a new connection was made
    finally:
        await connection.aclose()


async def test_a_connection_that_breaks_in_use_fails_that_use_and_is_replaced(
    postgres: Database,
) -> None:
    connection = DedicatedConnection(postgres)
    try:
        first = await backend_pid(connection)
        with pytest.raises(psycopg.OperationalError):
            async with connection.use() as driver:
                end_backends(postgres)
                await driver.execute("SELECT 1")
        assert await backend_pid(connection) != first
    finally:
        await connection.aclose()


async def test_a_failed_statement_keeps_a_healthy_connection(postgres: Database) -> None:
    connection = DedicatedConnection(postgres)
    try:
        first = await backend_pid(connection)
        with pytest.raises(psycopg.errors.DivisionByZero):
            async with connection.use() as driver:
                try:
                    await driver.execute("SELECT 1 / 0")
                finally:
                    await driver.rollback()
        assert await backend_pid(connection) == first
    finally:
        await connection.aclose()
