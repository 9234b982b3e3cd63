"""Reloading the live policy on SIGHUP and when its files change.

A rejected reload keeps the last good policy (the store guarantees that), is logged with file
and line by the store, and is counted in `sovereign_router_policy_reload_failures_total`. An
accepted one that changes the version re-syncs the backends and refreshes the policy gauges,
so that `sovereign_router_policy_info` shows the new version.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Callable
from pathlib import Path

import watchfiles

from router.backends.registry import BackendRegistry
from router.metrics import Metrics
from router.policy.governance import log_policy_warnings
from router.policy.store import PolicyStore, ReloadResult

log = logging.getLogger(__name__)


class PolicyReloader:
    def __init__(
        self,
        store: PolicyStore,
        directory: Path,
        registry: BackendRegistry,
        metrics: Metrics,
        refresh_gauges: Callable[[], None],
    ) -> None:
        self._store = store
        self._directory = directory
        self._registry = registry
        self._metrics = metrics
        self._refresh_gauges = refresh_gauges
        self._lock = asyncio.Lock()
        self._hangup = asyncio.Event()

    async def reload(self, trigger: str) -> ReloadResult:
        """Reload once; concurrent triggers are serialised so that versions apply in order."""
        async with self._lock:
            result = await asyncio.to_thread(self._store.reload)
            if not result.ok:
                self._metrics.policy_reload_failures.inc()
                return result
            if result.changed:
                loaded = self._store.current
                self._registry.sync(loaded.policy)
                await self._registry.check_all()
                self._refresh_gauges()
                log.info("policy %s active (reload on %s)", loaded.version, trigger)
                log_policy_warnings(loaded.policy, loaded.version, dt.datetime.now(dt.UTC).date())
            return result

    async def run(self) -> None:
        """Watch until cancelled: file changes in the policy directory, and SIGHUP."""
        loop = asyncio.get_running_loop()
        listening = self._listen_for_sighup(loop)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._watch_files())
                group.create_task(self._on_hangups())
        finally:
            if listening:
                loop.remove_signal_handler(signal.SIGHUP)

    def _listen_for_sighup(self, loop: asyncio.AbstractEventLoop) -> bool:
        try:
            loop.add_signal_handler(signal.SIGHUP, self._hangup.set)
        except (ValueError, RuntimeError, NotImplementedError):
            # Signals can only be handled by the main thread's loop (not in an embedded
            # server thread, nor on Windows); the file watch still works there.
            log.info("SIGHUP reload unavailable here; watching policy files only")
            return False
        return True

    async def _on_hangups(self) -> None:
        while True:
            await self._hangup.wait()
            self._hangup.clear()
            await self._reload_logged("SIGHUP")

    async def _watch_files(self) -> None:
        # Recursive, unfiltered by name: a Kubernetes ConfigMap swaps a `..data` symlink rather
        # than writing the files. A change that leaves the policy's bytes alone is a no-op.
        async for _changes in watchfiles.awatch(self._directory, step=100):
            await self._reload_logged("file change")

    async def _reload_logged(self, trigger: str) -> None:
        try:
            await self.reload(trigger)
        except Exception as error:  # noqa: BLE001 - one failure must not end all future reloads
            log.error(
                "policy reload on %s failed (%s); keeping the current policy",
                trigger,
                type(error).__name__,
            )
            self._metrics.policy_reload_failures.inc()
