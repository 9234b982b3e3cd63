"""A circuit breaker per route: stop sending to a vendor that keeps failing, then probe it.

    closed ──(failure rate ≥ threshold over the window, with enough calls)──▶ open
    open ──(cool-down elapsed: the next call is a trial)──▶ half-open
    half-open ──(trial succeeds)──▶ closed        half-open ──(trial fails)──▶ open

While open the route reports itself unhealthy, so the decision (which only picks healthy
routes) moves to the next permitted route or refuses; it never widens the permitted set.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger(__name__)


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class CircuitPolicy:
    window_seconds: float = 30.0
    minimum_calls: int = 5
    failure_rate: float = 0.5
    cooldown_seconds: float = 15.0


class CircuitBreaker:
    """Not thread-safe: used from the event loop only, like the replica pool."""

    def __init__(
        self,
        route_name: str,
        policy: CircuitPolicy = CircuitPolicy(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._route = route_name
        self._policy = policy
        self._clock = clock
        self._state = CircuitState.CLOSED
        self._outcomes: deque[tuple[float, bool]] = deque()
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        return self._state

    @property
    def available(self) -> bool:
        """Whether a call could be let through now (what route health reports)."""
        if self._state is CircuitState.OPEN:
            return self._cooled_down()
        if self._state is CircuitState.HALF_OPEN:
            return not self._trial_in_flight
        return True

    def allow(self) -> bool:
        """Admit one call; after the cool-down the first admitted call is the trial."""
        if self._state is CircuitState.OPEN and self._cooled_down():
            self._move(CircuitState.HALF_OPEN)
        if self._state is CircuitState.HALF_OPEN:
            if self._trial_in_flight:
                return False
            self._trial_in_flight = True
            return True
        return self._state is CircuitState.CLOSED

    def record_success(self) -> None:
        if self._state is CircuitState.HALF_OPEN:
            self._outcomes.clear()
            self._move(CircuitState.CLOSED)
        self._trial_in_flight = False
        self._remember(ok=True)

    def record_failure(self) -> None:
        self._trial_in_flight = False
        if self._state is CircuitState.HALF_OPEN:
            self._open()
            return
        self._remember(ok=False)
        if self._state is CircuitState.CLOSED and self._tripped():
            self._open()

    def abandon(self) -> None:
        """An admitted call ended without an outcome (the client went away): free the trial."""
        self._trial_in_flight = False

    def _remember(self, *, ok: bool) -> None:
        now = self._clock()
        self._outcomes.append((now, ok))
        horizon = now - self._policy.window_seconds
        while self._outcomes and self._outcomes[0][0] < horizon:
            self._outcomes.popleft()

    def _tripped(self) -> bool:
        calls = len(self._outcomes)
        if calls < self._policy.minimum_calls:
            return False
        failures = sum(1 for _, ok in self._outcomes if not ok)
        return failures / calls >= self._policy.failure_rate

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._outcomes.clear()
        self._move(CircuitState.OPEN)

    def _cooled_down(self) -> bool:
        return self._clock() >= self._opened_at + self._policy.cooldown_seconds

    def _move(self, state: CircuitState) -> None:
        if state is not self._state:
            log.warning("route %s: circuit %s -> %s", self._route, self._state, state)
        self._state = state
