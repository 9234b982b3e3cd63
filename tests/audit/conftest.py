"""The audit tests run against both real databases: SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from router.storage.db import Database
from tests.storage.databases import any_database


@pytest.fixture(params=["sqlite", "postgresql"])
def audit_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with any_database(request.param, tmp_path / "db", "audit") as database:
        yield database
