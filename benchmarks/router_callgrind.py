"""Instructions the router spends per request, counted by callgrind: repeatable under load.

Wall-clock and CPU time drift by tens of percent on a shared machine; instruction counts do
not. The router runs under `valgrind --tool=callgrind` with collection off while it starts;
after warm-up requests collection is switched on, `--requests` is run twice (small, then
large count) and the difference of the two dumps, divided by the difference of the counts,
is the cost of one request with start-up and one-off costs taken out.

    PYTHONPATH=. .venv/bin/python benchmarks/router_callgrind.py --source /tmp/old \\
        --scenario stream --requests 10 --requests 40

The cost of one streamed chunk as a model server sends them (one read and one write each): the
difference between `--chunks 40` and `--chunks 20`, divided by 20, with `--chunk-delay-ms 20`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

from benchmarks.overhead import SHORT, STREAM
from benchmarks.processes import REPO, create_api_key, pick_port, running
from benchmarks.targets import instant_upstream

BODIES = {"short": SHORT, "stream": STREAM}
_TOTALS = re.compile(rb"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def send(url: str, body: bytes, token: str, count: int) -> None:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=120.0) as client:
        for _ in range(count):
            with client.stream("POST", url, content=body, headers=headers) as response:
                response.raise_for_status()
                for _ in response.iter_bytes():
                    pass


def dumped_instructions(work: Path, pid: int, before: set[Path]) -> int:
    """Dump the counters, zero them, and return what the new dump file holds."""
    subprocess.run(["callgrind_control", "--dump", str(pid)], check=True, capture_output=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        new = set(work.glob("callgrind.out.*")) - before
        for path in new:
            found = _TOTALS.search(path.read_bytes())
            if found:
                before.add(path)
                return int(found.group(1))
        time.sleep(0.2)
    raise RuntimeError("callgrind wrote no dump")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO, help="checkout of the router")
    parser.add_argument("--scenario", choices=sorted(BODIES), default="stream")
    parser.add_argument("--requests", type=int, action="append", help="two counts; 10 and 40")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument(
        "--chunk-delay-ms",
        type=float,
        default=0.0,
        help="upstream's pause before each chunk: long enough, each chunk is a read of its own",
    )
    args = parser.parse_args()
    small, large = sorted(args.requests or [10, 40])
    work = Path(tempfile.mkdtemp(prefix="sr-cg-"))
    body = orjson.dumps(BODIES[args.scenario])
    with instant_upstream(work, args.chunks, args.chunk_delay_ms) as upstream:
        env = {
            "SOVEREIGN_ROUTER_DATA_DIR": str(work / "router"),
            "SOVEREIGN_ROUTER_LOCAL_MODEL__URL": upstream.base_url,
            "SOVEREIGN_ROUTER_LOG_LEVEL": "warning",
            # The closing entry always shares the next opening's commit, however slow
            # valgrind makes a request: the same commits per request in every run.
            "SOVEREIGN_ROUTER_AUDIT__CLOSING_LINGER_SECONDS": "1.0",
            # Health checks come every 10 s: a varying number would land in each count.
            "SOVEREIGN_ROUTER_UPSTREAM__HEALTH_CHECK_INTERVAL_SECONDS": "3600",
            "PYTHONPATH": str(args.source.resolve()),
            "PYTHONHASHSEED": "0",
        }
        port = pick_port()
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={work}/callgrind.out.%p",
            str(Path(sys.executable).parent / "python"),
            "-m",
            "router",
            "serve",
            "--port",
            str(port),
        ]
        base = f"http://127.0.0.1:{port}"
        with running(
            command, f"{base}/readyz", env=env, log_file=work / "router.log", timeout=900
        ) as process:
            token = create_api_key(env, "general")
            url = f"{base}/v1/chat/completions"
            send(url, body, token, args.warmup)
            subprocess.run(
                ["callgrind_control", "--instr=on", str(process.pid)],
                check=True,
                capture_output=True,
            )
            dumps: set[Path] = set(work.glob("callgrind.out.*"))
            dumped_instructions(work, process.pid, dumps)  # what warm-up left: discarded
            counts = {}
            for count in (small, large):
                send(url, body, token, count)
                counts[count] = dumped_instructions(work, process.pid, dumps)
    per_request = (counts[large] - counts[small]) / (large - small)
    print(
        orjson.dumps(
            {
                "source": str(args.source),
                "scenario": args.scenario,
                "chunks": args.chunks,
                "chunk_delay_ms": args.chunk_delay_ms,
                "instructions": {str(k): v for k, v in counts.items()},
                "instructions_per_request": round(per_request),
            }
        ).decode()
    )


if __name__ == "__main__":
    main()
