"""prometheus-client's multiprocess mode, for `serve --workers N`.

Each worker writes its metric values to memory-mapped files in `PROMETHEUS_MULTIPROC_DIR`;
`/metrics`, in whichever worker answers, merges the files of every worker. prometheus-client
reads the variable when it is first imported, so `serve` sets it before uvicorn spawns the
workers (fresh interpreters), and a process is in multiprocess mode exactly when it is set.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Files of gauges whose value only counts while their process lives (`live*` modes).
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


def multiprocess_dir() -> Path | None:
    """The shared directory when this process runs as one of several workers."""
    value = os.environ.get(MULTIPROC_VARIABLE)
    return Path(value) if value else None


def prepare_dir(data_dir: Path) -> Path:
    """A fresh, empty directory for one server start: values of a previous run must not count."""
    directory = (data_dir / "prometheus-multiproc").resolve()
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, mode=0o700)
    return directory


def exposition(directory: Path) -> bytes:
    """Every worker's metrics, merged, in the text exposition format."""
    forget_dead_workers(directory)
    registry = CollectorRegistry(auto_describe=True)
    MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def forget_dead_workers(directory: Path) -> None:
    """Drop the `live*` gauges of workers that died without a clean shutdown (killed, crashed).

    uvicorn replaces such workers but offers no hook, so this runs before each scrape; a
    worker that stopped cleanly is dead too, and is dropped the same way.
    """
    for pid in sorted(_live_gauge_pids(directory)):
        if not _alive(pid):
            mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]


def _live_gauge_pids(directory: Path) -> set[int]:
    pids = set()
    for path in directory.glob("gauge_live*.db"):
        matched = _LIVE_GAUGE_FILE.match(path.name)
        if matched:
            pids.add(int(matched.group(1)))
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True
