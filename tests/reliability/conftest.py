"""Fixtures of the reliability tests: the fake upstream, served over real HTTP, and its policy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread


@pytest.fixture
def fake() -> Iterator[tuple[FakeBackend, str]]:
    """The fake OpenAI-compatible upstream and its base URL (ending in /v1)."""
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        yield backend, f"{url}/v1"


@pytest.fixture
def ask_and_stream_policy(fake: tuple[FakeBackend, str], tmp_path: Path) -> Path:
    """The fake upstream behind the two models the support helpers call: `ok` (`ask`) and
    `slow-stream` (`stream_to_end`)."""
    _, url = fake
    return fake_routes_policy(tmp_path / "policy", {"ok": [url], "slow-stream": [url]})
