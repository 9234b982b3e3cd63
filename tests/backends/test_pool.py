"""Replica choice: least outstanding requests, failed replicas rested, then retried."""

from __future__ import annotations

from router.backends.pool import ReplicaPool


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_least_outstanding_replica_is_chosen() -> None:
    pool = ReplicaPool(("http://a", "http://b", "http://c"), cooldown_seconds=10)
    first, second, third = pool.acquire(), pool.acquire(), pool.acquire()
    assert {r.base_url for r in (first, second, third) if r} == {"http://a", "http://b", "http://c"}
    assert first is not None
    pool.release(first)
    again = pool.acquire()
    assert again is first


def test_a_failed_replica_rests_then_is_retried() -> None:
    clock = Clock()
    pool = ReplicaPool(("http://a", "http://b"), cooldown_seconds=10, clock=clock)
    bad = pool.acquire()
    assert bad is not None
    pool.release(bad)
    pool.mark_failed(bad)
    for _ in range(5):
        chosen = pool.acquire()
        assert chosen is not None and chosen is not bad
        pool.release(chosen)
    clock.now = 11
    assert bad.available(clock.now)
    pool.mark_failed(next(r for r in pool.replicas if r is not bad))
    assert pool.acquire() is bad


def test_no_replica_available() -> None:
    pool = ReplicaPool(("http://a",), cooldown_seconds=10)
    replica = pool.acquire()
    assert replica is not None
    pool.mark_failed(replica)
    assert pool.acquire() is None and not pool.any_available
