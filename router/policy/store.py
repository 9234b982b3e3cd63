"""The live policy: loaded at start, reloaded on change, never replaced by an invalid one."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from router.policy.loader import LoadedPolicy, PolicyError, load_policy

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReloadResult:
    changed: bool
    version: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


class PolicyStore:
    """Holds the last good policy. Start-up with an invalid policy raises `PolicyError`."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self._current = load_policy(directory)
        self._loaded_at = time.time()
        self._last_problems: tuple[str, ...] = ()

    @property
    def current(self) -> LoadedPolicy:
        return self._current

    @property
    def current_loaded_at(self) -> float:
        return self._loaded_at

    @property
    def last_problems(self) -> tuple[str, ...]:
        """Why the most recent reload was rejected (empty when it was accepted)."""
        return self._last_problems

    def reload(self) -> ReloadResult:
        with self._lock:
            try:
                candidate = load_policy(self._directory)
            except PolicyError as error:
                self._last_problems = tuple(error.problems)
                log.error(
                    "policy reload rejected; keeping version %s: %s",
                    self._current.version,
                    "; ".join(error.problems),
                )
                return ReloadResult(False, self._current.version, self._last_problems)
            self._last_problems = ()
            changed = candidate.version != self._current.version
            if changed:
                log.info("policy reloaded: %s -> %s", self._current.version, candidate.version)
                self._current = candidate
                self._loaded_at = time.time()
            return ReloadResult(changed, self._current.version)
