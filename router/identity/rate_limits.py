"""Rate limits: token buckets per principal and per workload, for requests and for tokens.

A bucket holds up to its per-minute limit and refills continuously (limit / 60 per second),
so bursts up to a minute's allowance pass and a steady rate above the limit does not. All of a
request's buckets are checked and debited together, atomically: in Redis by one Lua script
(so replicas share the limits and use Redis's clock), in-process otherwise.

Tokens are debited at admission from an estimate (prompt characters / 4 plus the requested
`max_tokens`), since the real count is only known after the answer; a request larger than a
whole minute's budget drains the bucket rather than waiting forever.

Redis down: PHI requests are refused (503, fail closed) and the rest are limited in-process,
or everything is refused with `on_redis_failure: fail_closed`.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from router.errors import RateLimited, ServiceUnavailable
from router.identity.principal import Principal
from router.identity.settings import RateLimitSettings
from router.tiers import Tier

log = logging.getLogger(__name__)

_WINDOW_SECONDS = 60.0
_CHARS_PER_TOKEN = 4


@dataclass(frozen=True, slots=True)
class Bucket:
    key: str
    capacity: int  # per minute
    cost: int


class BucketStore(Protocol):
    async def take(self, buckets: Sequence[Bucket]) -> float:
        """Debit every bucket, or none: 0 when admitted, else the seconds until it would be."""
        ...


class LocalBuckets:
    """Buckets in this process's memory: for one replica, or when Redis is down."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._state: dict[str, tuple[float, float]] = {}  # key -> (tokens, updated_at)

    async def take(self, buckets: Sequence[Bucket]) -> float:
        now = self._clock()
        levels = [self._level(bucket, now) for bucket in buckets]
        wait = max(
            (
                (bucket.cost - level) / (bucket.capacity / _WINDOW_SECONDS)
                for bucket, level in zip(buckets, levels, strict=True)
                if level < bucket.cost
            ),
            default=0.0,
        )
        if wait > 0:
            return wait
        for bucket, level in zip(buckets, levels, strict=True):
            self._state[bucket.key] = (level - bucket.cost, now)
        self._forget_full(now)
        return 0.0

    def _level(self, bucket: Bucket, now: float) -> float:
        tokens, updated = self._state.get(bucket.key, (float(bucket.capacity), now))
        refill = (now - updated) * bucket.capacity / _WINDOW_SECONDS
        return min(float(bucket.capacity), tokens + refill)

    def _forget_full(self, now: float) -> None:
        # A bucket untouched for a whole window is full again: its entry carries nothing.
        if len(self._state) > 10_000:
            self._state = {
                key: value for key, value in self._state.items() if now - value[1] < _WINDOW_SECONDS
            }


# KEYS: bucket keys. ARGV: capacity and cost for each key, in order. Returns {admitted, wait_ms}.
_TAKE_SCRIPT = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local levels = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[2 * i - 1])
  local cost = tonumber(ARGV[2 * i])
  local rate = capacity / 60000
  local state = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(state[1]) or capacity
  local ts = tonumber(state[2]) or now
  local level = math.min(capacity, tokens + math.max(0, now - ts) * rate)
  levels[i] = level
  if level < cost then
    wait = math.max(wait, (cost - level) / rate)
  end
end
if wait > 0 then
  return {0, math.ceil(wait)}
end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'tokens', tostring(levels[i] - tonumber(ARGV[2 * i])), 'ts', now)
  redis.call('PEXPIRE', key, 61000)
end
return {1, 0}
"""


class RedisBuckets:
    """Buckets in Redis, shared by every replica; raises `RedisError` when Redis fails."""

    def __init__(self, client: aioredis.Redis) -> None:
        self._client = client
        self._script = client.register_script(_TAKE_SCRIPT)

    async def take(self, buckets: Sequence[Bucket]) -> float:
        arguments: list[int] = []
        for bucket in buckets:
            arguments += [bucket.capacity, bucket.cost]
        admitted, wait_ms = await self._script(
            keys=[bucket.key for bucket in buckets], args=arguments
        )
        return 0.0 if int(admitted) == 1 else int(wait_ms) / 1000

    async def aclose(self) -> None:
        await self._client.aclose()


class RateLimits:
    """Admits a request against its principal's and workload's buckets, or raises."""

    def __init__(self, settings: RateLimitSettings, redis_url: str | None) -> None:
        self._settings = settings
        self._local = LocalBuckets()
        self._redis: RedisBuckets | None = None
        if redis_url:
            client = aioredis.Redis.from_url(
                redis_url,
                socket_timeout=settings.redis_timeout_seconds,
                socket_connect_timeout=settings.redis_timeout_seconds,
            )
            self._redis = RedisBuckets(client)

    async def admit(
        self, principal: Principal, workload: str, tier: Tier, body: dict[str, Any]
    ) -> None:
        buckets = self.buckets(principal, workload, estimate_tokens(body))
        if not buckets:
            return
        wait = await self._take(buckets, tier)
        if wait > 0:
            raise RateLimited(
                "Rate limit reached for this credential or workload; retry after the "
                "interval in the Retry-After header.",
                retry_after_seconds=math.ceil(wait),
            )

    def buckets(self, principal: Principal, workload: str, tokens: int) -> list[Bucket]:
        settings = self._settings
        override = settings.workloads.get(workload)
        workload_requests = override.requests_per_minute if override else None
        workload_tokens = override.tokens_per_minute if override else None
        who = _principal_key(principal)
        limits = (
            (
                f"p:{who}:req",
                principal.requests_per_minute,
                settings.principal_requests_per_minute,
                1,
            ),
            (
                f"p:{who}:tok",
                principal.tokens_per_minute,
                settings.principal_tokens_per_minute,
                tokens,
            ),
            (f"w:{workload}:req", workload_requests, settings.workload_requests_per_minute, 1),
            (f"w:{workload}:tok", workload_tokens, settings.workload_tokens_per_minute, tokens),
        )
        return [
            Bucket(settings.redis_key_prefix + key, capacity, min(cost, capacity))
            for key, specific, default, cost in limits
            if (capacity := specific or default) is not None
        ]

    async def _take(self, buckets: list[Bucket], tier: Tier) -> float:
        if self._redis is None:
            return await self._local.take(buckets)
        try:
            return await self._redis.take(buckets)
        except (RedisError, OSError) as error:
            log.warning("rate limiter: Redis failed (%s)", type(error).__name__)
            if tier.carries_phi or self._settings.on_redis_failure == "fail_closed":
                raise ServiceUnavailable(
                    "Rate limits cannot be checked right now, so the request was refused.",
                    code="rate_limiter_unavailable",
                ) from None
            return await self._local.take(buckets)

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


def _principal_key(principal: Principal) -> str:
    # Subjects come from the IdP and may be e-mail addresses: keys carry a digest instead.
    identity = f"{principal.issuer}\x00{principal.subject}".encode()
    return hashlib.sha256(identity).hexdigest()[:32]


def estimate_tokens(body: dict[str, Any]) -> int:
    """Prompt characters / 4 plus the completion the caller asked room for."""
    prompt = {key: value for key, value in body.items() if key in ("messages", "prompt", "input")}
    prompt_tokens = len(orjson.dumps(prompt)) // _CHARS_PER_TOKEN
    requested = body.get("max_completion_tokens") or body.get("max_tokens") or 0
    completion = requested if isinstance(requested, int) and requested > 0 else 0
    return max(1, prompt_tokens + completion)
