"""Real databases for tests: SQLite in a temporary directory, and a fresh PostgreSQL database
per use (created on the server at 127.0.0.1:5432 and dropped after) so parallel runs never
collide."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from router.storage.db import Database

POSTGRES_SERVER = {"host": "127.0.0.1", "port": 5432, "dbname": "test", "user": "postgres"}


@contextmanager
def postgres_url(purpose: str) -> Iterator[str]:
    name = f"sr_{purpose}_{secrets.token_hex(6)}"
    with psycopg.connect(**POSTGRES_SERVER, autocommit=True) as admin:  # type: ignore[arg-type]
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(**POSTGRES_SERVER, autocommit=True) as admin:  # type: ignore[arg-type]
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'router.db'}"


@contextmanager
def migrated(url: str) -> Iterator[Database]:
    database = Database(url)
    database.migrate()
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def any_database(kind: str, directory: Path, purpose: str) -> Iterator[Database]:
    """A migrated database of the given kind (`sqlite` or `postgresql`)."""
    if kind == "sqlite":
        with migrated(sqlite_url(directory)) as database:
            yield database
        return
    with postgres_url(purpose) as url, migrated(url) as database:
        yield database
