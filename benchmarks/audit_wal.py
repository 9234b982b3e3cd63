"""Write-ahead log bytes per request of the SQLite audit trail, and which tables they come from.

    PYTHONPATH=. python benchmarks/audit_wal.py                  # 20,000 records, then 2,000
    PYTHONPATH=. python benchmarks/audit_wal.py --prefill 5000 --requests 500

Writes records the way the server does at concurrency 1 (each opening awaited, its closing
queued to share the next opening's commit) into a fresh database that already holds
`--prefill` records, with SQLite's automatic checkpoints off, and reads the WAL back: bytes and
frames (one changed page each) per request, and the frames per table or index. Exact, not
timed: the same schema and code always write the same pages.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import sqlite3
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

from router.audit.chained_trail import ChainedAuditTrail
from router.audit.config import AuditSettings
from router.audit.keyring import KeyRing, load_key_ring
from router.context import new_request_id
from router.storage.db import Database
from tests.audit.records import closing, opening

# What the overhead benchmark's short chat sends and gets back, roughly.
REQUEST = b'{"model":"chat","messages":[{"role":"user","content":"' + b"x" * 60 + b'"}]}'
RESPONSE = b'{"id":"chatcmpl-1","choices":[{"message":{"content":"' + b"y" * 300 + b'"}}]}'
_WAL_HEADER = 32
_FRAME_HEADER = 24


async def write(trail: ChainedAuditTrail, count: int) -> None:
    for _ in range(count):
        request_id = new_request_id()
        await trail.open(opening(request_id, body=REQUEST))
        await trail.close(request_id, closing(body=RESPONSE))
    await trail.aclose()


def wal_frames(wal: Path, page_size: int) -> tuple[list[int], int]:
    """The page number of every frame in the WAL, and how many frames ended a commit."""
    data = wal.read_bytes()
    pages, commits = [], 0
    for offset in range(_WAL_HEADER, len(data), _FRAME_HEADER + page_size):
        page, size_after_commit = struct.unpack(">II", data[offset : offset + 8])
        pages.append(page)
        commits += size_after_commit != 0
    return pages, commits


@dataclass(frozen=True)
class WalWritten:
    page_size: int
    autocheckpoint: int  # frames
    wal_bytes: int
    pages: list[int]  # one per frame, in order
    commits: int
    owners: dict[int, str]  # page number -> table or index


def prepare(path: Path, ring: KeyRing, prefill: int) -> Database:
    """A migrated database holding `prefill` records, its WAL checkpointed away."""
    database = Database(f"sqlite:///{path}")
    database.migrate()
    asyncio.run(write(ChainedAuditTrail(database, ring, AuditSettings()), prefill))
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return database


def measure(path: Path, ring: KeyRing, database: Database, requests: int) -> WalWritten:
    with database.engine.connect() as connection:
        page_size = int(connection.exec_driver_sql("PRAGMA page_size").scalar() or 0)
        autocheckpoint = int(connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() or 0)
    database.dispose()

    def no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    event.listen(database.engine, "connect", no_autocheckpoint)
    # Held open so that the last pooled connection to close does not checkpoint the WAL away.
    with contextlib.closing(sqlite3.connect(path)) as keeper:
        keeper.execute("PRAGMA wal_autocheckpoint=0")
        keeper.execute("SELECT count(*) FROM sqlite_schema").fetchall()
        asyncio.run(write(ChainedAuditTrail(database, ring, AuditSettings()), requests))
        wal = path.with_name(path.name + "-wal")
        pages, commits = wal_frames(wal, page_size)
        owners = dict(keeper.execute("SELECT pageno, name FROM dbstat"))
        written = WalWritten(page_size, autocheckpoint, wal.stat().st_size, pages, commits, owners)
    database.dispose()
    return written


def report(written: WalWritten, prefill: int, requests: int) -> None:
    frames = len(written.pages)
    print(f"page size {written.page_size}, {prefill} records before, {requests} requests measured")
    print(f"WAL bytes per request:  {written.wal_bytes / requests:,.0f}")
    print(f"frames per request:     {frames / requests:.2f}")
    print(f"commits per request:    {written.commits / requests:.2f}")
    print(
        f"requests per checkpoint (every {written.autocheckpoint} frames): "
        f"{written.autocheckpoint * requests / frames:,.0f}"
    )
    distinct = len(set(written.pages[: written.autocheckpoint]))
    print(f"database bytes one checkpoint writes:  {distinct * written.page_size:,}")
    by_owner = collections.Counter(written.owners.get(page, "(free)") for page in written.pages)
    print(f"{'table or index':<40}{'frames/request':>15}")
    for name, count in by_owner.most_common():
        print(f"{name:<40}{count / requests:>15.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefill", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        ring = load_key_ring(AuditSettings(), directory, "development")
        path = directory / "wal.db"
        database = prepare(path, ring, args.prefill)
        report(measure(path, ring, database, args.requests), args.prefill, args.requests)


if __name__ == "__main__":
    main()
