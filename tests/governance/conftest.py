"""Governance tests: the figures on both real databases, seeded through the real audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from router.phi import Classifier
from router.storage.db import Database
from tests.audit.records import dev_ring
from tests.governance.environment import DashboardEnvironment, dashboard_environment
from tests.governance.records import write_seeds
from tests.storage.databases import any_database
from tests.support.oidc import node_missing_reason, packages_installed


@pytest.fixture(params=["sqlite", "postgresql"])
async def seeded_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    with any_database(request.param, tmp_path / "db", "governance") as database:
        await write_seeds(database, dev_ring(tmp_path / "keys"))
        yield database


@pytest.fixture(scope="package")
def dashboard(
    tmp_path_factory: pytest.TempPathFactory, classifier: Classifier
) -> Iterator[DashboardEnvironment]:
    """The real IdP, a router with the dashboard, and a few routed requests; shared."""
    reason = node_missing_reason()
    if reason is not None:
        pytest.skip(reason)
    if not packages_installed():
        pytest.fail("oidc-provider is not installed: run `npm ci` in tests/support/oidc")
    with dashboard_environment(tmp_path_factory.mktemp("governance"), classifier) as environment:
        yield environment
