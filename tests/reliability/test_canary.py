"""Canary: known PHI planted down every path (served, refused, upstream failures, malformed
and unscannable bodies, PHI in headers) appears nowhere it must not: logs at DEBUG, metrics,
error bodies, SIEM events, the audit database's files, or a served process's stderr."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import RouterFactory, RunningRouter
from tests.reliability.canary import (
    PATHS,
    Answer,
    canary_policy,
    drive_every_path,
    file_texts,
    leaks,
)
from tests.reliability.serve_process import serve_process
from tests.reliability.support import settled_trail
from tests.support.fake_backend import FakeBackend

UPSTREAM_TIMEOUTS = {"read_timeout_seconds": 1.0, "connect_timeout_seconds": 1.0}


@pytest.fixture
def siem_file(tmp_path: Path) -> Path:
    return tmp_path / "siem" / "events.jsonl"


@pytest.fixture
def router(
    make_router: RouterFactory,
    fake: tuple[FakeBackend, str],
    tmp_path: Path,
    siem_file: Path,
) -> Iterator[RunningRouter]:
    policy = canary_policy(tmp_path / "policy", fake[1])
    with make_router(
        policy,
        local_model={"autostart": False},
        upstream=UPSTREAM_TIMEOUTS,
        siem=[{"kind": "file", "path": str(siem_file)}],
        log_level="debug",
    ) as running:
        yield running


def _error_bodies(answers: dict[str, Answer]) -> list[str]:
    """Every answer but a served one (whose content is the model's, for the caller)."""
    return [f"{name}: {a.text}" for name, a in answers.items() if a.status >= 400]


def _assert_every_path_taken(answers: dict[str, Answer]) -> None:
    statuses = {name: answer.status for name, answer in answers.items()}
    assert statuses["success"] == 200
    assert statuses["refused by policy (no BAA)"] == 503
    assert statuses["upstream 500"] == 502
    assert statuses["upstream timeout"] == 504
    assert statuses["content too deep to scan"] == 400
    assert statuses["PHI as the credential"] == 401
    assert '"error"' in answers["upstream cut mid-stream"].text
    assert len(answers) == len(PATHS)


def _formatted(records: list[logging.LogRecord]) -> list[str]:
    """Each record as a handler would write it: message, arguments and any traceback."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(record) for record in records]


def _wait_for_siem(siem_file: Path, at_least: int, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if siem_file.exists():
            text = siem_file.read_text()
            if text.count("\n") >= at_least:
                return text
        time.sleep(0.1)
    raise AssertionError(f"fewer than {at_least} SIEM events arrived")


def test_the_canary_leaks_nowhere_in_process(
    router: RunningRouter,
    fake: tuple[FakeBackend, str],
    siem_file: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every logger propagates here
    answers = drive_every_path(router.url, router.key("general"))
    _assert_every_path_taken(answers)
    metrics = httpx.get(f"{router.url}/metrics").text
    audited = settled_trail(router.services.database).records  # one SIEM event each
    assert audited >= 10
    siem = _wait_for_siem(siem_file, at_least=audited)

    assert caplog.records, "nothing was logged: the capture is not working"
    assert "Patient" in fake[0].received[0]["messages"][0]["content"], "the canary was not sent"
    # The client's own SDK logs its requests at DEBUG; that is the caller's side, not ours.
    router_side = [r for r in caplog.records if not r.name.startswith("openai")]
    assert not leaks(_formatted(router_side)), "in logs"
    assert not leaks([metrics]), "in /metrics"
    assert not leaks(_error_bodies(answers)), "in error bodies"
    assert not leaks([siem]), "in SIEM events"
    assert not leaks(file_texts(tmp_path / "data")), "in the audit database, in plaintext"


def test_the_canary_leaks_nowhere_in_a_served_process(
    fake: tuple[FakeBackend, str], tmp_path: Path
) -> None:
    policy = canary_policy(tmp_path / "policy", fake[1])
    with serve_process(
        tmp_path,
        policy,
        SOVEREIGN_ROUTER_LOG_LEVEL="debug",
        SOVEREIGN_ROUTER_UPSTREAM__READ_TIMEOUT_SECONDS="1",
    ) as running:
        answers = drive_every_path(running.url, running.key)
        metrics = httpx.get(f"{running.url}/metrics").text
        running.terminate()
        assert running.process.wait(timeout=30) == 0
    _assert_every_path_taken(answers)

    stderr = running.stderr()
    assert "DEBUG" in stderr, "debug logging was not on: the check proves little"
    assert not leaks([stderr]), "in the process's stderr"
    assert not leaks([metrics]), "in /metrics"
    assert not leaks(_error_bodies(answers)), "in error bodies"
    assert not leaks(file_texts(tmp_path / "data")), "in the audit database, in plaintext"
