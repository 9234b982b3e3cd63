"""Reloading a running router's policy: file edits and SIGHUP; a bad edit keeps the last good
policy, is logged with its line, counted, and leaves /readyz passing."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import openai
import pytest
import yaml

from router.backends.registry import BackendRegistry
from router.metrics import Metrics
from router.policy.store import PolicyStore
from router.policy.watch import PolicyReloader
from router.settings import UpstreamSettings
from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread

VERSION_GAUGE = "sovereign_router_policy_info"
FAILURES = "sovereign_router_policy_reload_failures_total"


@pytest.fixture
def upstream() -> Iterator[str]:
    with serve_in_thread(FakeBackend().app) as url:
        yield f"{url}/v1"


@pytest.fixture
def router(make_router: RouterFactory, upstream: str, tmp_path: Path) -> Iterator[RunningRouter]:
    policy = fake_routes_policy(tmp_path / "policy", {"ok": [upstream]})
    with make_router(policy, local_model={"autostart": False}) as running:
        yield running


def _policy_file(router: RunningRouter) -> Path:
    return router.services.settings.policy_dir / "policy.yaml"


def _metric_lines(router: RunningRouter, name: str) -> list[str]:
    text = httpx.get(f"{router.url}/metrics").text
    return [line for line in text.splitlines() if line.startswith(name)]


def _wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def _add_route(path: Path, name: str, upstream: str) -> None:
    document = yaml.safe_load(path.read_text())
    document["routes"][name] = {
        "kind": "openai_compatible",
        "model": "ok",
        "endpoints": [upstream],
        "data_boundary": "on_prem",
    }
    document["models"][name] = {"routes": [name]}
    document["workloads"]["general"]["models"].append(name)
    document["tiers"]["non_phi"].insert(0, name)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def test_an_edited_file_is_loaded_and_the_backends_follow(
    router: RunningRouter, upstream: str
) -> None:
    old = router.services.policies.current.version
    _add_route(_policy_file(router), "second", upstream)
    _wait_for(lambda: router.services.policies.current.version != old)
    new = router.services.policies.current.version
    _wait_for(
        lambda: any(f'version="{new}"' in line for line in _metric_lines(router, VERSION_GAUGE))
    )
    assert not any(f'version="{old}"' in line for line in _metric_lines(router, VERSION_GAUGE))
    with openai.OpenAI(
        base_url=router.base_url, api_key=router.key("general"), max_retries=0
    ) as client:
        raw = client.chat.completions.with_raw_response.create(
            model="second", messages=[{"role": "user", "content": "Hello"}]
        )
    assert raw.headers["x-router-route"] == "second"  # the new route has a backend


def test_an_invalid_edit_keeps_the_last_good_policy_and_is_counted(
    router: RunningRouter, caplog: pytest.LogCaptureFixture
) -> None:
    good = router.services.policies.current.version
    path = _policy_file(router)
    caplog.set_level(logging.ERROR, logger="router.policy.store")
    path.write_text(path.read_text().replace("data_boundary: on_prem", "data_boundry: on_prem"))
    _wait_for(lambda: _metric_lines(router, FAILURES) != [f"{FAILURES} 0.0"])
    assert _metric_lines(router, FAILURES) == [f"{FAILURES} 1.0"]
    assert router.services.policies.current.version == good
    rejected = [r.getMessage() for r in caplog.records if "reload rejected" in r.getMessage()]
    assert rejected and "policy.yaml:" in rejected[0] and "data_boundry" in rejected[0]
    ready = httpx.get(f"{router.url}/readyz")
    assert ready.status_code == 200 and ready.json()["policy"] == good
    assert any(f'version="{good}"' in line for line in _metric_lines(router, VERSION_GAUGE))
    with openai.OpenAI(
        base_url=router.base_url, api_key=router.key("general"), max_retries=0
    ) as client:
        reply = client.chat.completions.create(
            model="ok", messages=[{"role": "user", "content": "Still served?"}]
        )
    assert reply.choices[0].message.content


async def test_sighup_reloads_the_policy(tmp_path: Path, upstream: str) -> None:
    """The signal alone: the reloader watches an unrelated directory, so no file event helps."""
    policy_dir = fake_routes_policy(tmp_path / "policy", {"ok": [upstream]})
    unwatched = tmp_path / "elsewhere"
    unwatched.mkdir()
    store = PolicyStore(policy_dir)
    registry = BackendRegistry(UpstreamSettings(), None)
    registry.sync(store.current.policy)
    metrics = Metrics()
    refreshed: list[str] = []
    reloader = PolicyReloader(
        store, unwatched, registry, metrics, lambda: refreshed.append(store.current.version)
    )
    running = asyncio.create_task(reloader.run())
    try:
        await asyncio.sleep(0.3)  # the signal handler is installed when run() starts
        old = store.current.version
        _add_route(policy_dir / "policy.yaml", "second", upstream)
        await asyncio.sleep(0.5)
        assert store.current.version == old  # nothing reloads without the signal
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            if store.current.version != old:
                break
            await asyncio.sleep(0.05)
        assert store.current.version != old
        assert refreshed == [store.current.version]
        assert "second" in registry.health()
    finally:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        await registry.aclose()
    # Once stopped, SIGHUP is no longer ours: the default action would end the process.
    assert signal.getsignal(signal.SIGHUP) in (signal.SIG_DFL, signal.SIG_IGN)
