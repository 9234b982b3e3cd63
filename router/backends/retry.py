"""When a failed call to a vendor may be repeated, and after how long.

Only where repeating cannot duplicate or corrupt an answer: the connection was never made, or
the vendor said "not now" (429, 503) before anything was streamed. A stream that has begun is
never retried; the relay reports the interruption instead.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from router.errors import RouterError


@dataclass(frozen=True, slots=True)
class Failure:
    """A vendor failure, already translated for the client, and what it means for the route."""

    error: RouterError
    retryable: bool = False
    retry_after_seconds: float | None = None
    route_fault: bool = True  # counts against the route's circuit (a 400 does not)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3  # in all, the first included
    base_delay_seconds: float = 0.25
    max_delay_seconds: float = 4.0
    max_retry_after_seconds: float = 10.0  # a longer Retry-After goes back to the client

    def delay_before_retry(
        self, attempts_made: int, failure: Failure, rng: random.Random
    ) -> float | None:
        """Seconds to wait before another attempt, or None when the failure is final."""
        if not failure.retryable or attempts_made >= self.attempts:
            return None
        backoff = min(self.max_delay_seconds, self.base_delay_seconds * 2.0 ** (attempts_made - 1))
        # Half fixed, half jittered, so that replicas retrying together spread out.
        delay = backoff / 2 + rng.uniform(0, backoff / 2)
        if failure.retry_after_seconds is not None:
            if failure.retry_after_seconds > self.max_retry_after_seconds:
                return None
            delay = max(delay, failure.retry_after_seconds)
        return delay


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header in its delta-seconds form; dates are ignored."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
