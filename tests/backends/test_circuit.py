"""Every transition of the circuit breaker, on a clock the test moves."""

from __future__ import annotations

import pytest

from router.backends.circuit import CircuitBreaker, CircuitPolicy, CircuitState

POLICY = CircuitPolicy(window_seconds=10, minimum_calls=4, failure_rate=0.5, cooldown_seconds=5)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker("claude", POLICY, clock)


def _state(breaker: CircuitBreaker) -> CircuitState:
    """Read afresh each time (mypy would otherwise narrow the property between calls)."""
    return breaker.state


def _open(breaker: CircuitBreaker) -> None:
    for _ in range(4):
        assert breaker.allow()
        breaker.record_failure()
    assert _state(breaker) is CircuitState.OPEN


def test_starts_closed_and_stays_closed_below_the_minimum_calls(breaker: CircuitBreaker) -> None:
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure()
    assert _state(breaker) is CircuitState.CLOSED
    assert breaker.available


def test_opens_when_the_failure_rate_reaches_the_threshold(breaker: CircuitBreaker) -> None:
    for ok in (True, False, True):
        breaker.record_success() if ok else breaker.record_failure()
    assert _state(breaker) is CircuitState.CLOSED
    breaker.record_failure()  # 2 failures in 4 calls: 50 %
    assert _state(breaker) is CircuitState.OPEN
    assert not breaker.available
    assert not breaker.allow()


def test_stays_closed_while_the_rate_is_below_the_threshold(breaker: CircuitBreaker) -> None:
    for ok in (True, True, True, False, True):
        breaker.record_success() if ok else breaker.record_failure()
    assert _state(breaker) is CircuitState.CLOSED


def test_old_outcomes_leave_the_window(breaker: CircuitBreaker, clock: Clock) -> None:
    for _ in range(3):
        breaker.record_failure()
    clock.now += 11  # those three are now outside the 10 s window
    breaker.record_failure()
    assert _state(breaker) is CircuitState.CLOSED


def test_after_the_cooldown_one_trial_is_let_through(breaker: CircuitBreaker, clock: Clock) -> None:
    _open(breaker)
    clock.now += 4.9
    assert not breaker.available
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.available  # healthy again as far as the decision is concerned
    assert breaker.allow()
    assert _state(breaker) is CircuitState.HALF_OPEN
    assert not breaker.available  # one trial at a time
    assert not breaker.allow()


def test_a_successful_trial_closes_the_circuit(breaker: CircuitBreaker, clock: Clock) -> None:
    _open(breaker)
    clock.now += 5
    assert breaker.allow()
    breaker.record_success()
    assert _state(breaker) is CircuitState.CLOSED
    # The failures before the trial are forgotten: two more are too few to reopen it.
    for _ in range(2):
        breaker.record_failure()
    assert _state(breaker) is CircuitState.CLOSED


def test_a_failed_trial_opens_it_for_another_cooldown(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    _open(breaker)
    clock.now += 5
    assert breaker.allow()
    breaker.record_failure()
    assert _state(breaker) is CircuitState.OPEN
    clock.now += 4
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()


def test_an_abandoned_trial_frees_the_slot(breaker: CircuitBreaker, clock: Clock) -> None:
    _open(breaker)
    clock.now += 5
    assert breaker.allow()
    breaker.abandon()  # the client went away before the vendor answered
    assert _state(breaker) is CircuitState.HALF_OPEN
    assert breaker.allow()
