"""Rate limits: token buckets in-process and in a real Redis, and what happens when Redis fails."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import redis.asyncio as aioredis

from router.errors import RateLimited, ServiceUnavailable
from router.identity.principal import Principal, PrincipalKind
from router.identity.rate_limits import Bucket, LocalBuckets, RateLimits, estimate_tokens
from router.identity.settings import RateLimitSettings, WorkloadRateLimit
from router.supervisor import free_port
from router.tiers import Tier
from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread

REDIS_URL = "redis://127.0.0.1:6379/0"
ALICE = Principal(kind=PrincipalKind.USER, subject="alice", issuer="https://idp.test")
BODY: dict[str, Any] = {"model": "chat", "messages": [{"role": "user", "content": "hi"}]}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own in the shared Redis, deleted afterwards."""
    found = f"sr-test-{secrets.token_hex(6)}:"
    yield found
    client = aioredis.Redis.from_url(REDIS_URL)
    keys = [key async for key in client.scan_iter(match=f"{found}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_local_bucket_allows_a_minute_then_refills() -> None:
    clock = Clock()
    buckets = LocalBuckets(clock)
    bucket = [Bucket("k", capacity=3, cost=1)]
    assert [await buckets.take(bucket) for _ in range(3)] == [0, 0, 0]
    assert await buckets.take(bucket) == pytest.approx(20.0)
    clock.now += 20
    assert await buckets.take(bucket) == 0


async def test_local_buckets_debit_all_or_nothing() -> None:
    buckets = LocalBuckets(Clock())
    small, large = Bucket("small", 1, 1), Bucket("large", 10, 1)
    assert await buckets.take([small, large]) == 0
    assert await buckets.take([small, large]) > 0
    # The refused request took nothing from the large bucket: nine are left.
    assert [await buckets.take([large]) for _ in range(10)].count(0) == 9


async def test_redis_limits_are_shared_by_replicas(prefix: str) -> None:
    settings = RateLimitSettings(principal_requests_per_minute=2, redis_key_prefix=prefix)
    replica_a, replica_b = RateLimits(settings, REDIS_URL), RateLimits(settings, REDIS_URL)
    try:
        await replica_a.admit(ALICE, "general", Tier.NON_PHI, BODY)
        await replica_b.admit(ALICE, "general", Tier.NON_PHI, BODY)
        with pytest.raises(RateLimited) as raised:
            await replica_a.admit(ALICE, "general", Tier.NON_PHI, BODY)
        assert raised.value.status_code == 429
        assert raised.value.code == "rate_limit_exceeded"
        assert 1 <= int(raised.value.headers["Retry-After"]) <= 30
        other = Principal(kind=PrincipalKind.USER, subject="bob", issuer="https://idp.test")
        await replica_b.admit(other, "general", Tier.NON_PHI, BODY)
    finally:
        await replica_a.aclose()
        await replica_b.aclose()


async def test_tokens_per_minute_per_workload(prefix: str) -> None:
    settings = RateLimitSettings(
        workload_tokens_per_minute=1000,
        workloads={"clinical": WorkloadRateLimit(tokens_per_minute=150)},
        redis_key_prefix=prefix,
    )
    limits = RateLimits(settings, REDIS_URL)
    body = {**BODY, "max_tokens": 100}
    try:
        await limits.admit(ALICE, "clinical", Tier.PHI_HEAVY, body)
        with pytest.raises(RateLimited):
            await limits.admit(ALICE, "clinical", Tier.PHI_HEAVY, body)
        await limits.admit(ALICE, "general", Tier.NON_PHI, body)  # its own, larger budget
    finally:
        await limits.aclose()


async def test_a_keys_own_limit_replaces_the_default(prefix: str) -> None:
    settings = RateLimitSettings(principal_requests_per_minute=100, redis_key_prefix=prefix)
    key = Principal(kind=PrincipalKind.API_KEY, subject="api-key:srk_1", requests_per_minute=1)
    limits = RateLimits(settings, REDIS_URL)
    try:
        await limits.admit(key, "general", Tier.NON_PHI, BODY)
        with pytest.raises(RateLimited):
            await limits.admit(key, "general", Tier.NON_PHI, BODY)
    finally:
        await limits.aclose()


async def test_redis_down_fails_closed_for_phi_and_limits_the_rest_locally() -> None:
    dead = f"redis://127.0.0.1:{free_port('127.0.0.1')}/0"
    limits = RateLimits(RateLimitSettings(principal_requests_per_minute=1), dead)
    try:
        with pytest.raises(ServiceUnavailable) as raised:
            await limits.admit(ALICE, "clinical", Tier.SOMETIMES_PHI, BODY)
        assert raised.value.code == "rate_limiter_unavailable"
        await limits.admit(ALICE, "general", Tier.NON_PHI, BODY)
        with pytest.raises(RateLimited):
            await limits.admit(ALICE, "general", Tier.NON_PHI, BODY)
    finally:
        await limits.aclose()


async def test_redis_down_can_fail_closed_for_everything() -> None:
    dead = f"redis://127.0.0.1:{free_port('127.0.0.1')}/0"
    settings = RateLimitSettings(principal_requests_per_minute=5, on_redis_failure="fail_closed")
    limits = RateLimits(settings, dead)
    try:
        with pytest.raises(ServiceUnavailable):
            await limits.admit(ALICE, "general", Tier.NON_PHI, BODY)
    finally:
        await limits.aclose()


async def test_no_limits_configured_touches_nothing() -> None:
    dead = f"redis://127.0.0.1:{free_port('127.0.0.1')}/0"
    limits = RateLimits(RateLimitSettings(), dead)
    try:
        await limits.admit(ALICE, "clinical", Tier.PHI_HEAVY, BODY)  # no bucket: Redis unused
    finally:
        await limits.aclose()


def test_token_estimate() -> None:
    assert estimate_tokens({"model": "m", "messages": [{"content": "x" * 400}]}) > 100
    assert estimate_tokens({"model": "m", "prompt": "hi", "max_tokens": 500}) > 500
    assert estimate_tokens({"model": "m", "input": ""}) >= 1


@pytest.fixture
def limited_router(
    make_router: RouterFactory, tmp_path: Path, prefix: str
) -> Iterator[RunningRouter]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        policy = fake_routes_policy(tmp_path / "policy", {"ok": [f"{url}/v1"]})
        limits = {"workload_requests_per_minute": 2, "redis_key_prefix": prefix}
        with make_router(policy, redis_url=REDIS_URL, rate_limits=limits) as running:
            yield running


def test_the_sdk_sees_429_with_retry_after(limited_router: RunningRouter) -> None:
    messages: Any = [{"role": "user", "content": "hello"}]
    with openai.OpenAI(
        base_url=limited_router.base_url, api_key=limited_router.key("general"), max_retries=0
    ) as client:
        for _ in range(2):
            client.chat.completions.create(model="ok", messages=messages)
        with pytest.raises(openai.RateLimitError) as raised:
            client.chat.completions.create(model="ok", messages=messages)
    assert raised.value.code == "rate_limit_exceeded"
    assert int(raised.value.response.headers["retry-after"]) >= 1
