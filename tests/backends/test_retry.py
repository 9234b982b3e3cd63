"""When a vendor failure is retried, and how long the router waits first."""

from __future__ import annotations

import random

import pytest

from router.backends.retry import Failure, RetryPolicy, parse_retry_after
from router.errors import RateLimited, UpstreamError, UpstreamUnavailable

POLICY = RetryPolicy(attempts=3, base_delay_seconds=1.0, max_delay_seconds=3.0)
RETRYABLE = Failure(UpstreamUnavailable("busy"), retryable=True)


def test_final_failures_are_not_retried() -> None:
    final = Failure(UpstreamError("broken"))
    assert POLICY.delay_before_retry(1, final, random.Random(1)) is None


def test_retryable_failures_back_off_exponentially_with_jitter() -> None:
    rng = random.Random(7)
    first = POLICY.delay_before_retry(1, RETRYABLE, rng)
    second = POLICY.delay_before_retry(2, RETRYABLE, rng)
    assert first is not None and 0.5 <= first <= 1.0
    assert second is not None and 1.0 <= second <= 2.0


def test_attempts_are_bounded() -> None:
    assert POLICY.delay_before_retry(3, RETRYABLE, random.Random(1)) is None


def test_the_delay_is_capped() -> None:
    policy = RetryPolicy(attempts=10, base_delay_seconds=1.0, max_delay_seconds=3.0)
    delay = policy.delay_before_retry(8, RETRYABLE, random.Random(1))
    assert delay is not None and delay <= 3.0


def test_retry_after_is_honoured_up_to_a_limit() -> None:
    limited = RateLimited("slow down", retry_after_seconds=4)
    honoured = Failure(limited, retryable=True, retry_after_seconds=4.0)
    assert POLICY.delay_before_retry(1, honoured, random.Random(1)) == 4.0
    too_long = Failure(limited, retryable=True, retry_after_seconds=60.0)
    assert POLICY.delay_before_retry(1, too_long, random.Random(1)) is None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        (" 0.5 ", 0.5),
        ("0", 0.0),
        ("-1", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),
        (None, None),
    ],
)
def test_retry_after_header(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds
