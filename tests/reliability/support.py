"""What the reliability tests share: an upstream, a client, and readings of the audit trail."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import openai
from openai.types.chat import ChatCompletionMessageParam
from sqlalchemy import func, select

from router.audit.sql_trail import AuditRecordRow
from router.audit.tables import AuditEventRow
from router.storage.db import Database
from tests.conftest import RunningRouter

_EVENTS = AuditEventRow.__table__  # type: ignore[attr-defined]
_INDEX = AuditRecordRow.__table__  # type: ignore[attr-defined]
HELLO: list[ChatCompletionMessageParam] = [
    {"role": "user", "content": "Summarise the visitor policy."}
]


def client_for(router: RunningRouter, timeout: float = 20.0) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=router.base_url, api_key=router.key("general"), max_retries=0, timeout=timeout
    )


@dataclass(frozen=True)
class Outcome:
    status: int
    request_id: str | None
    code: str | None = None


def ask(client: openai.OpenAI, model: str = "ok") -> Outcome:
    """One chat completion; the status, the record's id and the error code, never raising."""
    try:
        raw = client.chat.completions.with_raw_response.create(model=model, messages=HELLO)
    except openai.APIStatusError as error:
        body = error.body if isinstance(error.body, dict) else {}
        return Outcome(
            error.status_code, error.response.headers.get("x-request-id"), body.get("code")
        )
    raw.parse()
    return Outcome(raw.status_code, raw.headers.get("x-request-id"))


@dataclass(frozen=True)
class TrailReading:
    records: int
    opens: Counter[str]
    closes: Counter[str]
    incomplete: list[str]


def read_trail(database: Database) -> TrailReading:
    # The events last: a closing committed while this reads is then seen in them too (the
    # drivers read without a snapshot), so a record never looks closed without its entry.
    with database.engine.connect() as connection:
        records = connection.execute(select(func.count()).select_from(_INDEX)).scalar_one()
        incomplete = connection.execute(
            select(_INDEX.c.request_id).where(_INDEX.c.completed_at.is_(None))
        ).scalars()
        events = connection.execute(select(_EVENTS.c.request_id, _EVENTS.c.kind)).all()
        return TrailReading(
            records=records,
            opens=Counter(request for request, kind in events if kind == "open"),
            closes=Counter(request for request, kind in events if kind == "close"),
            incomplete=list(incomplete),
        )


def wait_for_closings(database: Database, expected: int, timeout: float = 20.0) -> TrailReading:
    """Closing entries land just after responses end; wait until `expected` records are closed."""
    deadline = time.monotonic() + timeout
    while True:
        reading = read_trail(database)
        closed = reading.records - len(reading.incomplete)
        if closed >= expected or time.monotonic() > deadline:
            return reading
        time.sleep(0.1)


def verify_with_cli(data_dir: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    """`sovereign-router audit verify`, as an operator runs it, against the router's store."""
    env = {
        **os.environ,
        "SOVEREIGN_ROUTER_DATA_DIR": str(data_dir),
        "SOVEREIGN_ROUTER_DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "router", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settled_trail(database: Database, timeout: float = 30.0) -> TrailReading:
    """The trail once every record is closed (closings that waited for the store included)."""
    deadline = time.monotonic() + timeout
    reading = read_trail(database)
    while reading.incomplete and time.monotonic() < deadline:
        time.sleep(0.2)
        reading = read_trail(database)
    return reading


def assert_one_record_per_request(reading: TrailReading, served: list[str]) -> None:
    """Exactly one opening and one closing for each served request, and nothing else."""
    assert reading.records == len(served)
    assert set(reading.opens) == set(served)
    assert set(reading.opens.values()) == {1}, "a record was opened twice"
    assert reading.closes == reading.opens, "a record was left open or closed twice"
    assert reading.incomplete == []


def served_request_ids(outcomes: list[Outcome], streamed: list[str]) -> list[str]:
    """The request ids of the answers served (status 200) and of the streams read to the end."""
    return [o.request_id or "" for o in outcomes if o.status == 200] + streamed


def assert_trail_complete_and_verified(
    router: RunningRouter, served: list[str], data_dir: Path, database_url: str
) -> None:
    """One record per served request once the trail settles, and `audit verify` passes on a
    chain of exactly their openings and closings."""
    assert_one_record_per_request(settled_trail(router.services.database), served)
    verified = verify_with_cli(data_dir, database_url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"ok: {2 * len(served)} entries verified" in verified.stdout


def until_served(router: RunningRouter, timeout: float) -> list[Outcome]:
    """Ask once a quarter second until a request is served; every outcome on the way."""
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + timeout
    with client_for(router, timeout=10) as client:
        while time.monotonic() < deadline:
            outcomes.append(ask(client))
            if outcomes[-1].status == 200:
                return outcomes
            time.sleep(0.25)
    return outcomes


def stream_to_end(router: RunningRouter) -> str:
    # Closed here, not left to the collector: a stream cut by the outage leaves its socket open.
    with (
        client_for(router) as client,
        client.chat.completions.with_streaming_response.create(
            model="slow-stream", messages=[{"role": "user", "content": "hi"}], stream=True
        ) as response,
    ):
        request_id = response.headers["x-request-id"]
        for _ in response.iter_lines():
            pass
    return request_id
