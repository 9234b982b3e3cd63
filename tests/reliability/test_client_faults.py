"""Clients that misbehave: one hangs up mid-stream, one reads nothing, a thousand connect and
say nothing. None of them costs the router more than a bounded amount, each leaves a complete
audit record, and the others are still served."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from sqlmodel import select

from router.audit.sql_trail import AuditRecordRow
from tests.conftest import RouterFactory, RunningRouter
from tests.reliability.support import ask, client_for, read_trail
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy

STALL_TIMEOUT_SECONDS = 4.0


@pytest.fixture
def router(
    make_router: RouterFactory, fake: tuple[FakeBackend, str], tmp_path: Path
) -> Iterator[RunningRouter]:
    _, url = fake
    names = ("ok", "slow-stream", "firehose")
    policy = fake_routes_policy(tmp_path / "policy", {name: [url] for name in names})
    with make_router(
        policy,
        local_model={"autostart": False},
        client_stall_timeout_seconds=STALL_TIMEOUT_SECONDS,
    ) as running:
        yield running


def _record(router: RunningRouter, model: str, timeout: float = 15.0) -> AuditRecordRow | None:
    """The (closed) record of the one request for `model`, waiting for its closing entry."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with router.services.database.session() as session:
            query = select(AuditRecordRow).where(AuditRecordRow.logical_model == model)
            row = session.exec(query).first()
        if row is not None and row.completed_at is not None:
            return row
        time.sleep(0.1)
    return None


def _wait_for(predicate: object, timeout: float = 10.0) -> bool:
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_hanging_up_mid_stream_cancels_upstream_and_completes_the_record(
    router: RunningRouter, fake: tuple[FakeBackend, str]
) -> None:
    backend, _ = fake
    stream = client_for(router).chat.completions.create(
        model="slow-stream", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    first = next(iter(stream))
    assert first.choices[0].delta.content == "Hello"
    stream.close()  # the SDK closes the connection: the client has gone

    assert _wait_for(lambda: backend.cancelled_streams == 1), "upstream was not cancelled"
    row = _record(router, "slow-stream")
    assert row is not None, "the record was never completed"
    assert (row.status_code, row.error_class) == (499, "ClientDisconnected")
    reading = read_trail(router.services.database)
    assert reading.closes[row.request_id] == 1


def _stalled_client(router: RunningRouter, model: str) -> socket.socket:
    """A client that sends a streaming request and then reads nothing at all."""
    body = orjson.dumps(
        {"model": model, "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    )
    host, port = router.url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {router.key('general')}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    return sock


def test_a_client_that_reads_nothing_holds_bounded_memory_and_is_timed_out(
    router: RunningRouter, fake: tuple[FakeBackend, str]
) -> None:
    backend, _ = fake
    sock = _stalled_client(router, "firehose")
    try:
        assert _wait_for(lambda: backend.firehose_chunks > 0)
        time.sleep(1.5)  # loopback socket buffers fill within a second
        filled = backend.firehose_chunks
        time.sleep(1.5)
        produced = backend.firehose_chunks
        # Back-pressure reached the upstream: once the buffers between it and the client are
        # full (kernel socket buffers, a few MiB each on loopback, and uvicorn's 64 KiB write
        # limit) it is asked for nothing more, so memory does not grow with time.
        assert produced - filled < 64, "the router kept reading for a client that reads nothing"
        assert produced < 32 * 1024, f"{produced} KiB buffered for a client that reads nothing"
        assert _wait_for(lambda: backend.cancelled_streams == 1, timeout=STALL_TIMEOUT_SECONDS + 8)
        row = _record(router, "firehose")
        assert row is not None, "the stalled request's record was never completed"
        assert (row.status_code, row.error_class) == (499, "ClientStalled")
        assert backend.firehose_chunks - produced < 4096
    finally:
        sock.close()
    with client_for(router) as client:
        assert ask(client).status == 200


def test_a_thousand_idle_connections_do_not_stop_others_being_served(
    router: RunningRouter,
) -> None:
    host, port = router.url.removeprefix("http://").split(":")
    idle: list[socket.socket] = []
    try:
        for _ in range(1000):
            idle.append(socket.create_connection((host, int(port)), timeout=5))
        with client_for(router, timeout=10) as client:
            started = time.monotonic()
            outcomes = [ask(client) for _ in range(20)]
            assert {o.status for o in outcomes} == {200}
            assert time.monotonic() - started < 30
    finally:
        for sock in idle:
            with contextlib.suppress(OSError):
                sock.close()
