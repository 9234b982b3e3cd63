"""SQLite on a full disk: requests are refused with 503 while nothing can be written, the
process keeps running, and when space returns it serves again with every record complete and
the chain intact. The disk is a real, small tmpfs: SQLite meets the same SQLITE_FULL it would
meet in production."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import RouterFactory, RunningRouter
from tests.reliability.support import (
    ask,
    assert_trail_complete_and_verified,
    client_for,
    served_request_ids,
    stream_to_end,
    until_served,
)

_DISK_BYTES = 16 * 1024 * 1024


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 16 MiB tmpfs, mounted for this test alone (skipped where mounting is not allowed)."""
    mount_point = Path(tempfile.mkdtemp(prefix="sr-small-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={_DISK_BYTES}", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        mount_point.rmdir()
        pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        shutil.rmtree(mount_point, ignore_errors=True)


def _fill(disk: Path) -> Path:
    """Write a file until the disk has not one page left; return it."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle:
        for size in (65536, 4096):
            with contextlib.suppress(OSError):  # ENOSPC ends each round
                while True:
                    handle.write(b"\0" * size)
    assert os.statvfs(disk).f_bavail == 0, "the disk still has room"
    return filler


@pytest.fixture
def router(
    make_router: RouterFactory, ask_and_stream_policy: Path, small_disk: Path
) -> Iterator[RunningRouter]:
    with make_router(
        ask_and_stream_policy, data_dir=small_disk / "data", local_model={"autostart": False}
    ) as running:
        yield running


def test_full_disk_refuses_then_recovers_when_space_returns(
    router: RunningRouter, small_disk: Path
) -> None:
    with client_for(router) as client:
        before = [ask(client) for _ in range(10)]
        assert {o.status for o in before} == {200}

        with ThreadPoolExecutor(2) as pool:
            in_flight = [pool.submit(stream_to_end, router) for _ in range(2)]
            time.sleep(0.5)
            filler = _fill(small_disk)
            during = [ask(client) for _ in range(10)]
            streamed = [future.result(timeout=30) for future in in_flight]
            # The process is alive and answering while it refuses.
            assert httpx.get(f"{router.url}/healthz").status_code == 200

        assert {(o.status, o.code) for o in during} == {(503, "audit_unavailable")}, during

        filler.unlink()
        recovery = until_served(router, timeout=30)
        assert recovery[-1].status == 200, "the router did not recover when space returned"
        after = [ask(client) for _ in range(10)]
        assert {o.status for o in after} == {200}

        served = served_request_ids(before + recovery + after, streamed)
        assert_trail_complete_and_verified(
            router, served, small_disk / "data", router.services.settings.resolved_database_url
        )
