"""Shared fixtures: a real llama.cpp server for the session, and routers built per test."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.app import create_app
from router.identity.api_keys import KeyScope
from router.phi import Classifier, PhiConfig
from router.services import Services
from router.settings import LocalModelSettings, Settings
from router.supervisor import LocalModelSupervisor
from tests.support.servers import serve_in_thread

REPO = Path(__file__).resolve().parents[1]
DEFAULT_POLICY = REPO / "policies"


@pytest.fixture(autouse=True)
def close_forgotten_http_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """HTTP clients (the openai SDK's among them) a test made and did not close are closed when
    it ends. Left to the garbage collector, an open client's socket raises a ResourceWarning in
    whichever later test happens to be running when it is collected, and fails that test."""
    made: list[httpx.Client] = []
    original = httpx.Client.__init__

    def tracked(client: httpx.Client, *args: Any, **kwargs: Any) -> None:
        original(client, *args, **kwargs)
        made.append(client)

    monkeypatch.setattr(httpx.Client, "__init__", tracked)
    yield
    for client in made:
        client.close()


@pytest.fixture(scope="session")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SmolLM2-135M under llama.cpp's server, started once for the whole session."""
    log_file = tmp_path_factory.mktemp("llama") / "llama.log"
    supervisor = LocalModelSupervisor(LocalModelSettings(), log_file)
    loop = asyncio.new_event_loop()
    try:
        url = loop.run_until_complete(supervisor.start())
        yield url
    finally:
        loop.run_until_complete(supervisor.stop())
        loop.close()


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    """Built once: compiling the recognizers takes seconds, and it is immutable once built."""
    return Classifier(PhiConfig())


@dataclass(frozen=True)
class RunningRouter:
    url: str
    services: Services

    def key(self, *workloads: str, name: str = "test-app") -> str:
        scope = KeyScope(workloads=workloads or ("general",))
        return self.services.api_keys.create(name, scope).secret

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"


RouterFactory = Callable[..., AbstractContextManager[RunningRouter]]


@pytest.fixture
def make_router(tmp_path: Path, classifier: Classifier) -> RouterFactory:
    """Start a router over real HTTP with the given policy directory and settings."""

    @contextmanager
    def factory(policy_dir: Path = DEFAULT_POLICY, **overrides: Any) -> Iterator[RunningRouter]:
        overrides.setdefault("data_dir", tmp_path / "data")
        settings = Settings(policy_dir=policy_dir, **overrides)
        app = create_app(settings, classifier=classifier)
        with serve_in_thread(app) as url:
            yield RunningRouter(url=url, services=app.state.services)

    return factory


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    """A writable copy of the default policy, for tests that edit it."""
    target = tmp_path / "policies"
    shutil.copytree(DEFAULT_POLICY, target, ignore=shutil.ignore_patterns("tests"))
    return target
