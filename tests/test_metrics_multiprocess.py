"""`serve --workers 2`: both workers serve, and `/metrics` (from either) counts them together.

A real `sovereign-router serve` subprocess, the fake upstream, the openai SDK as the client,
and `promtool check metrics` on a real scrape.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openai
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from router.metrics_multiprocess import prepare_dir
from tests.conftest import RouterFactory
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.serve_process import ServedRouter, router_environment, serving
from tests.support.servers import serve_in_thread

REQUESTS = "sovereign_router_requests"
BATCH = 16
# The second worker may still be starting (its PHI recognizers take seconds to build on a busy
# machine) while the first already answers: requests go on until both have served some.
BOTH_SERVING_SECONDS = 120.0


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedRouter]:
    root = tmp_path_factory.mktemp("workers")
    with serve_in_thread(FakeBackend().app) as upstream:
        policy = fake_routes_policy(root / "policy", {"ok": [f"{upstream}/v1"]})
        data_dir = root / "data"
        with serving(router_environment(data_dir, policy), data_dir, "--workers", "2") as running:
            yield running


def _ask(router: ServedRouter, key: str) -> None:
    # A connection per request, so that the kernel hands requests to either worker.
    with openai.OpenAI(
        base_url=router.base_url,
        api_key=key,
        max_retries=0,
        timeout=30,
        default_headers={"Connection": "close"},
    ) as sdk:
        sdk.chat.completions.create(model="ok", messages=[{"role": "user", "content": "Hello"}])


def _requests_per_worker(directory: Path) -> dict[int, float]:
    """Each worker's own count of served requests, read from its file alone."""
    counts = {}
    for path in directory.glob("counter_*.db"):
        pid = int(path.stem.removeprefix("counter_"))
        families = MultiProcessCollector.merge([str(path)], accumulate=True)  # type: ignore[no-untyped-call]
        counts[pid] = sum(
            sample.value
            for family in families
            if family.name == REQUESTS
            for sample in family.samples
            if sample.name == f"{REQUESTS}_total"
        )
    return counts


def _scraped_requests(scrape: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(scrape)
        if family.name == REQUESTS
        for sample in family.samples
        if sample.name == f"{REQUESTS}_total"
    )


def test_metrics_add_up_requests_served_by_both_workers(two_workers: ServedRouter) -> None:
    key = two_workers.key("general")
    directory = two_workers.data_dir / "prometheus-multiproc"
    sent = 0
    deadline = time.monotonic() + BOTH_SERVING_SECONDS
    with ThreadPoolExecutor(max_workers=8) as pool:
        while time.monotonic() < deadline:
            list(pool.map(lambda _: _ask(two_workers, key), range(BATCH)))
            sent += BATCH
            per_worker = _requests_per_worker(directory)
            if sum(1 for count in per_worker.values() if count > 0) >= 2:
                break
    per_worker = _requests_per_worker(directory)
    assert len([count for count in per_worker.values() if count > 0]) == 2, per_worker
    assert sum(per_worker.values()) == sent
    scrape = httpx.get(f"{two_workers.url}/metrics", timeout=10).text
    assert _scraped_requests(scrape) == sent
    assert 'sovereign_router_route_healthy{route="ok"} 1.0' in scrape
    assert "pid=" not in scrape  # live gauges are merged, not reported per worker


def test_a_real_scrape_passes_promtool(two_workers: ServedRouter) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (Debian's `prometheus` package; scripts/test.sh)")
    _ask(two_workers, two_workers.key("general"))
    scrape = httpx.get(f"{two_workers.url}/metrics", timeout=10).text
    checked = subprocess.run(
        [promtool, "check", "metrics"], input=scrape, capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "" and checked.stderr.strip() == ""


def test_a_fresh_start_forgets_the_previous_run(tmp_path: Path) -> None:
    """The directory is emptied at each start: counts of an earlier run must not reappear."""

    stale = prepare_dir(tmp_path) / "counter_1.db"
    stale.write_bytes(b"left over")
    fresh = prepare_dir(tmp_path)
    assert fresh == stale.parent and list(fresh.iterdir()) == []


def test_single_process_scrape_passes_promtool(make_router: RouterFactory, tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (Debian's `prometheus` package; scripts/test.sh)")
    with serve_in_thread(FakeBackend().app) as upstream:
        policy = fake_routes_policy(tmp_path / "policy", {"ok": [f"{upstream}/v1"]})
        with make_router(policy) as running:
            with openai.OpenAI(
                base_url=running.base_url, api_key=running.key("general"), max_retries=0
            ) as sdk:
                sdk.chat.completions.create(
                    model="ok", messages=[{"role": "user", "content": "Hello"}]
                )
            scrape = httpx.get(f"{running.url}/metrics", timeout=10).text
    assert _scraped_requests(scrape) == 1
    checked = subprocess.run(
        [promtool, "check", "metrics"], input=scrape, capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _in_worker(directory: Path, code: str) -> str:
    """Run `code` in a fresh interpreter in multiprocess mode (prometheus-client decides the
    mode when first imported, so this cannot happen in the test process)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_live_gauges_of_dead_workers_and_earlier_policy_versions_stop_counting(
    tmp_path: Path,
) -> None:

    directory = prepare_dir(tmp_path)
    _in_worker(
        directory,
        "from router.metrics import Metrics\n"
        "Metrics().show_routes({'claude': 12}, {'gone-with-its-worker': True})\n",
    )
    assert list(directory.glob("gauge_livemax_*.db"))  # the dead worker left its files
    scrape = _in_worker(
        directory,
        "from router.metrics import Metrics\n"
        "m = Metrics()\n"
        "m.show_policy_version('v1')\n"
        "m.show_policy_version('v2')\n"
        "m.show_routes({'claude': 30}, {'local': True})\n"
        "print(m.exposition().decode())\n",
    )
    assert "gone-with-its-worker" not in scrape
    assert 'sovereign_router_policy_info{version="v1"} 0.0' in scrape
    assert 'sovereign_router_policy_info{version="v2"} 1.0' in scrape
    assert 'sovereign_router_route_healthy{route="local"} 1.0' in scrape
    assert 'sovereign_router_baa_days_to_expiry{route="claude"} 30.0' in scrape
