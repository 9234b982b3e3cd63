"""What keeps data away from a Claude route, seen through the router: an expired BAA, an
open circuit. In each case the fake vendor is checked to have received nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from tests.conftest import RouterFactory, RunningRouter
from tests.support import fake_anthropic
from tests.support.claude import EXPIRED_BAA, claude_policy, claude_route
from tests.support.fake_anthropic import FakeAnthropic
from tests.support.fake_backend import FakeBackend
from tests.support.servers import serve_in_thread

MEMBER_REQUEST = "Reschedule the visit for John Smith on March 14, 2026."


@pytest.fixture
def anthropic(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeAnthropic, str]]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", fake_anthropic.API_KEY)
    fake = FakeAnthropic()
    with serve_in_thread(fake.app) as url:
        yield fake, url


@pytest.fixture
def local() -> Iterator[tuple[FakeBackend, str]]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        yield backend, f"{url}/v1"


def _client(router: RunningRouter, workload: str) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=router.base_url, api_key=router.key(workload), max_retries=0, timeout=30
    )


def _ask(router: RunningRouter, workload: str, text: str) -> str:
    with _client(router, workload) as sdk:
        reply = sdk.chat.completions.with_raw_response.create(
            model="chat", messages=[{"role": "user", "content": text}]
        )
    return reply.headers["x-router-route"]


def test_expired_baa_sends_phi_to_the_local_route_instead(
    make_router: RouterFactory,
    anthropic: tuple[FakeAnthropic, str],
    local: tuple[FakeBackend, str],
    tmp_path: Path,
) -> None:
    fake, url = anthropic
    route = claude_route("anthropic", "anthropic/claude-ok", url, baa=EXPIRED_BAA)
    policy = claude_policy(tmp_path / "policy", {"claude": route}, local[1])
    with make_router(policy, local_model={"autostart": False}) as router:
        assert _ask(router, "member-services", MEMBER_REQUEST) == "local"
        assert fake.received == []
        # Data without PHI needs no BAA: the same route still serves it.
        assert _ask(router, "general", "Summarise the visitor policy.") == "claude"
    assert len(fake.received) == 1


def test_expired_baa_with_no_other_route_refuses(
    make_router: RouterFactory,
    anthropic: tuple[FakeAnthropic, str],
    local: tuple[FakeBackend, str],
    tmp_path: Path,
) -> None:
    fake, url = anthropic
    route = claude_route("anthropic", "anthropic/claude-ok", url, baa=EXPIRED_BAA)
    policy = claude_policy(
        tmp_path / "policy", {"claude": route}, local[1], sometimes_phi=["claude"]
    )
    with (
        make_router(policy, local_model={"autostart": False}) as router,
        pytest.raises(openai.APIStatusError) as caught,
    ):
        _ask(router, "member-services", MEMBER_REQUEST)
    assert caught.value.status_code == 503
    assert caught.value.response.headers["x-router-decision-id"]
    assert fake.received == []


def test_an_open_circuit_takes_the_route_out_of_health_and_decisions(
    make_router: RouterFactory,
    anthropic: tuple[FakeAnthropic, str],
    local: tuple[FakeBackend, str],
    tmp_path: Path,
) -> None:
    fake, url = anthropic
    policy = claude_policy(
        tmp_path / "policy",
        {"claude": claude_route("anthropic", "anthropic/claude-ok", url)},
        local[1],
    )
    upstream = {"health_check_interval_seconds": 0.2, "unhealthy_cooldown_seconds": 600}
    with make_router(policy, local_model={"autostart": False}, upstream=upstream) as router:
        fake.fail_next.extend([500] * 5)  # the default circuit opens at 5 calls, half failed
        for _ in range(5):
            # Each failure (502) falls back to the local route, inside the permitted set.
            assert _ask(router, "general", "Summarise the visitor policy.") == "local"
        assert len(fake.received) == 5
        # Now the decision itself skips the route: nothing more reaches the vendor.
        assert _ask(router, "general", "Summarise the visitor policy.") == "local"
        assert len(fake.received) == 5
        ready = httpx.get(f"{router.url}/readyz", timeout=10).json()
        assert ready["healthy_routes"] == ["local"]
        assert _gauge_eventually(router, 'sovereign_router_route_healthy{route="claude"}', 0.0)


def _gauge_eventually(router: RunningRouter, series: str, value: float) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in httpx.get(f"{router.url}/metrics", timeout=10).text.splitlines():
            if line.startswith(series) and float(line.rsplit(" ", 1)[1]) == value:
                return True
        time.sleep(0.1)
    return False


def test_vendor_errors_reach_the_client_as_clean_openai_errors(
    make_router: RouterFactory,
    anthropic: tuple[FakeAnthropic, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    fake, url = anthropic
    wrong_key = "sk-ant-wrong-key-for-this-test"
    routes = {
        "claude": claude_route("anthropic", "anthropic/claude-ok", url),
    }
    policy = claude_policy(tmp_path / "policy", routes, local_url=None)
    with make_router(policy, local_model={"autostart": False}) as router:
        fake.fail_next.extend([429, 429, 429])  # every attempt throttled
        fake.retry_after = "0"
        with pytest.raises(openai.RateLimitError) as throttled:
            _ask(router, "general", "Summarise the visitor policy.")
        assert throttled.value.response.headers["retry-after"]
        assert len(fake.received) == 3
    monkeypatch.setenv("ANTHROPIC_API_KEY", wrong_key)
    with (
        make_router(policy, local_model={"autostart": False}) as router,
        pytest.raises(openai.APIStatusError) as refused,
    ):
        _ask(router, "general", "Summarise the visitor policy.")
    body = refused.value.response.json()
    assert refused.value.status_code == 502
    assert body["error"]["code"] == "upstream_auth_failed"
    assert "claude" in body["error"]["message"]
    assert wrong_key not in refused.value.response.text
