"""SIGTERM during traffic: `sovereign-router serve` stops accepting connections, lets the
streams in flight finish, completes their audit records, and exits 0."""

from __future__ import annotations

import socket
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import openai

from router.storage.db import Database
from tests.reliability.serve_process import ServeProcess, serve_process
from tests.reliability.support import assert_one_record_per_request, read_trail


def _stream(running: ServeProcess, started: list[float]) -> tuple[str, str]:
    """A slow stream read to its end; its request id and the text received."""
    pieces: list[str] = []
    with (
        openai.OpenAI(base_url=running.base_url, api_key=running.key, max_retries=0) as client,
        client.chat.completions.with_streaming_response.create(
            model="slow-stream", messages=[{"role": "user", "content": "hi"}], stream=True
        ) as response,
    ):
        request_id = response.headers["x-request-id"]
        for chunk in response.parse():
            started.append(time.monotonic())
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
    return request_id, "".join(pieces)


def _connection_refused(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_sigterm_drains_in_flight_streams_and_exits_cleanly(
    ask_and_stream_policy: Path, tmp_path: Path
) -> None:
    with serve_process(tmp_path, ask_and_stream_policy) as running:
        started: list[float] = []
        with ThreadPoolExecutor(4) as pool:
            streams: list[Future[tuple[str, str]]] = [
                pool.submit(_stream, running, started) for _ in range(4)
            ]
            deadline = time.monotonic() + 20
            while len(started) < 4 and time.monotonic() < deadline:
                time.sleep(0.02)  # every stream has begun answering
            running.terminate()
            time.sleep(0.3)
            refused_while_draining = _connection_refused(running.url)
            in_flight_then = sum(not stream.done() for stream in streams)
            finished = [stream.result(timeout=30) for stream in streams]
        exit_code = running.process.wait(timeout=30)

    assert in_flight_then == 4, "the streams ended before the test could check draining"
    assert refused_while_draining, "a new connection was accepted after SIGTERM"
    assert [text for _, text in finished] == ["Hello from the fake backend."] * 4
    assert exit_code == 0, running.stderr()[-2000:]
    database = Database(running.database_url)
    try:
        reading = read_trail(database)
    finally:
        database.dispose()
    assert_one_record_per_request(reading, [request_id for request_id, _ in finished])
