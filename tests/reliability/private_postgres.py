"""A PostgreSQL server of the test's own, so that a test may stop and start it.

The machine's shared server (127.0.0.1:5432) serves other work and must never be stopped; this
one lives in a temporary directory on a free port, with trust authentication, and is stopped
and deleted afterwards. It runs as the `postgres` user when the tests run as root, since
`initdb` refuses root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from router.supervisor import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    def __init__(self, bin_dir: Path, data_dir: Path, port: int) -> None:
        self._bin = bin_dir
        self.data_dir = data_dir
        self.port = port
        self._as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir} -c fsync=off"
        log = self.data_dir / "server.log"
        self._run("pg_ctl", "-D", str(self.data_dir), "-o", options, "-l", str(log), "-w", "start")

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self._bin / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private server; skips the test when PostgreSQL's binaries are absent."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    # Not under pytest's tmp_path: its parents are private to root, and the server runs as
    # `postgres`.
    data_dir = Path(tempfile.mkdtemp(prefix="sr-private-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres")
    server = PrivatePostgres(bin_dir, data_dir, free_port("127.0.0.1"))
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop("fast")  # it may already be stopped by the test
        shutil.rmtree(data_dir, ignore_errors=True)
