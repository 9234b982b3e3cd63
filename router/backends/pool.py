"""Replicas of one model: least outstanding requests first, failed replicas rested a while."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class Replica:
    base_url: str
    outstanding: int = 0
    healthy: bool = True
    resting_until: float = 0.0
    consecutive_failures: int = 0

    def available(self, now: float) -> bool:
        """Healthy, or rested long enough to be tried again."""
        return self.healthy or now >= self.resting_until


class ReplicaPool:
    """Chooses a replica per request. Not thread-safe: used from the event loop only."""

    def __init__(
        self,
        base_urls: tuple[str, ...],
        cooldown_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.replicas = [Replica(url.rstrip("/")) for url in base_urls]
        self._cooldown = cooldown_seconds
        self._clock = clock

    @property
    def any_available(self) -> bool:
        now = self._clock()
        return any(replica.available(now) for replica in self.replicas)

    def acquire(self, exclude: frozenset[str] = frozenset()) -> Replica | None:
        """The available replica with the fewest requests in flight, marked busy."""
        now = self._clock()
        candidates = [r for r in self.replicas if r.available(now) and r.base_url not in exclude]
        if not candidates:
            return None
        # Healthy replicas first; a rested one only gets traffic when it is the best choice.
        chosen = min(candidates, key=lambda r: (not r.healthy, r.outstanding))
        chosen.outstanding += 1
        return chosen

    def release(self, replica: Replica) -> None:
        replica.outstanding = max(0, replica.outstanding - 1)

    def mark_failed(self, replica: Replica) -> None:
        replica.consecutive_failures += 1
        replica.healthy = False
        replica.resting_until = self._clock() + self._cooldown

    def mark_succeeded(self, replica: Replica) -> None:
        replica.consecutive_failures = 0
        replica.healthy = True
        replica.resting_until = 0.0
