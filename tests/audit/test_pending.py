"""Closings the store could not take are written once it is back, once each, and only for
records whose opening is committed and still open."""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from router.audit.pending import PendingClosings


class _Store:
    """An in-memory stand-in for the index: which records are open, and what was written."""

    def __init__(self, open_records: set[str]) -> None:
        self.available = False
        self.open_records = set(open_records)
        self.written: list[str] = []

    async def write(self, request_id: str) -> None:
        if not self.available:
            raise ConnectionError("store down")
        self.written.append(request_id)
        self.open_records.discard(request_id)

    async def still_open(self, request_ids: Collection[str]) -> set[str]:
        if not self.available:
            raise ConnectionError("store down")
        return self.open_records & set(request_ids)


def _pending(store: _Store) -> PendingClosings[str]:
    return PendingClosings(store.write, store.still_open, lambda request_id: request_id)


async def test_closings_wait_for_the_store_and_are_written_when_it_returns() -> None:
    store = _Store({"req_a", "req_b"})
    pending = _pending(store)
    pending.keep("req_a")
    pending.keep("req_b")
    pending.keep("req_a")  # kept twice, written once
    await asyncio.sleep(0.6)
    assert store.written == [] and len(pending) == 2
    store.available = True
    for _ in range(50):
        if not len(pending):
            break
        await asyncio.sleep(0.1)
    assert sorted(store.written) == ["req_a", "req_b"]
    await pending.aclose()


async def test_closings_of_records_closed_or_never_opened_are_dropped() -> None:
    store = _Store({"req_open"})
    store.available = True
    pending = _pending(store)
    for request_id in ("req_open", "req_never_opened"):
        pending.keep(request_id)
    assert await pending.flush()
    assert store.written == ["req_open"]
    pending.keep("req_open")  # now closed: an unknown commit outcome that did commit
    assert await pending.flush()
    assert store.written == ["req_open"]
    await pending.aclose()


async def test_shutdown_makes_a_last_attempt_and_reports_what_is_left() -> None:
    store = _Store({"req_a"})
    pending = _pending(store)
    pending.keep("req_a")
    await pending.aclose()
    assert len(pending) == 1  # still down: left open, and logged
    store.available = True
    await pending.aclose()
    assert store.written == ["req_a"]
