"""Write-ahead audit latency and throughput: SQLite and PostgreSQL, batched vs one commit each.

    PYTHONPATH=. python benchmarks/audit_write.py            # 600 openings per configuration
    PYTHONPATH=. python benchmarks/audit_write.py --records 200

Each configuration runs `concurrency` clients that each await `trail.open()` (the part on the
request path: encrypt, link, commit) until the records are written, and reports records per
second and the p50/p99 time one `open()` takes. PostgreSQL needs the server at 127.0.0.1:5432;
a database is created for the run and dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from router.audit.chained_trail import ChainedAuditTrail
from router.audit.config import AuditSettings
from router.audit.keyring import load_key_ring
from router.audit.verify import verify_chain
from router.storage.db import Database
from tests.audit.records import opening
from tests.storage.databases import postgres_url

CONCURRENCY = (1, 16, 50, 64)
BODY = b'{"model":"chat","messages":[{"role":"user","content":"' + b"x" * 2000 + b'"}]}'


async def measure(trail: ChainedAuditTrail, records: int, concurrency: int, tag: str) -> str:
    latencies: list[float] = []
    counter = iter(range(records))

    async def client() -> None:
        for index in counter:
            started = time.perf_counter()
            await trail.open(opening(f"{tag}-{index}", body=BODY))
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await trail.aclose()
    cuts = statistics.quantiles(latencies, n=100)
    return f"{records / elapsed:>10.0f} {cuts[49]:>9.2f} {cuts[98]:>9.2f}"


def run_database(label: str, url: str, data_dir: Path, records: int) -> None:
    database = Database(url)
    database.migrate()
    ring = load_key_ring(AuditSettings(), data_dir, "development")
    print(f"\n== {label} ({records} openings per row, body {len(BODY)} bytes) ==")
    print(f"{'mode':<10}{'clients':>8}{'records/s':>11}{'p50 ms':>10}{'p99 ms':>10}")
    for concurrency in CONCURRENCY:
        for batched in (False, True):
            trail = ChainedAuditTrail(database, ring, AuditSettings(), batched=batched)
            mode = "batched" if batched else "single"
            tag = f"{mode}-{concurrency}"
            line = asyncio.run(measure(trail, records, concurrency, tag))
            print(f"{mode:<10}{concurrency:>8}{line}")
    result = verify_chain(database, ring)
    print(f"chain after the run: {'intact' if result.intact else result.finding}")
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        run_database("SQLite (WAL)", f"sqlite:///{directory / 'bench.db'}", directory, args.records)
        with postgres_url("bench_audit") as url:
            run_database("PostgreSQL 127.0.0.1", url, directory, args.records)


if __name__ == "__main__":
    main()
