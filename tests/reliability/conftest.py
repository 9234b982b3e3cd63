"""Fixtures of the reliability tests: the fake upstream, served over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_backend import FakeBackend
from tests.support.servers import serve_in_thread


@pytest.fixture
def fake() -> Iterator[tuple[FakeBackend, str]]:
    """The fake OpenAI-compatible upstream and its base URL (ending in /v1)."""
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        yield backend, f"{url}/v1"
