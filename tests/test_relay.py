"""Relaying an upstream's events as sent: whole events only, `[DONE]` kept for the end, every
event still checked and counted."""

from __future__ import annotations

import pytest

from router.errors import UpstreamError
from router.relay import EventRelay, Progress


def _chunk(text: str) -> bytes:
    return b'data: {"choices":[{"index":0,"delta":{"content":"' + text.encode() + b'"}}]}\n\n'


USAGE = b'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}\n\n'
SPACED = b'data: {"choices": [{"index": 0, "delta": {"content": "a"}}]}\r\n\r\n'
MULTILINE = b'data: {"choices": [{"index": 0,\ndata: "text": "b"}]}\n\n'
DONE = b"data: [DONE]\n\n"

# (reads from the upstream, what each read lets through, chunks with content, [DONE] seen)
CASES = {
    "one event per read": ([_chunk("a"), _chunk("b")], [_chunk("a"), _chunk("b")], 2, False),
    "two events in one read go out together": (
        [_chunk("a") + _chunk("b")],
        [_chunk("a") + _chunk("b")],
        2,
        False,
    ),
    "an event split across reads waits for its end": (
        [_chunk("a")[:10], _chunk("a")[10:-1], b"\n"],
        [b"", b"", _chunk("a")],
        1,
        False,
    ),
    "the rest of a read waits for its event's end": (
        [_chunk("a") + _chunk("b")[:5], _chunk("b")[5:]],
        [_chunk("a"), _chunk("b")],
        2,
        False,
    ),
    "CRLF line ends and spaced JSON pass as sent": ([SPACED], [SPACED], 1, False),
    "a comment passes and counts for nothing": (
        [b": keep-alive\n\n", _chunk("a")],
        [b": keep-alive\n\n", _chunk("a")],
        1,
        False,
    ),
    "data over several lines is one chunk": ([MULTILINE], [MULTILINE], 1, False),
    "[DONE] and what follows are not relayed": (
        [_chunk("a") + DONE + _chunk("late")],
        [_chunk("a")],
        1,
        True,
    ),
    "[DONE] after CRLF events in the same read": (
        [b": hello\r\n\r\n" + SPACED + b"data: [DONE]\r\n\r\n"],
        [b": hello\r\n\r\n" + SPACED],
        1,
        True,
    ),
    "[DONE] with CRLF ends in its own read": (
        [_chunk("a"), b"data: [DONE]\r\n\r\n"],
        [_chunk("a"), b""],
        1,
        True,
    ),
    "a chunk without content is not counted": (
        [b'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n'],
        [b'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n'],
        0,
        False,
    ),
}


@pytest.mark.parametrize(("reads", "relayed", "counted", "done"), CASES.values(), ids=CASES)
def test_events_are_relayed_whole_and_as_sent(
    reads: list[bytes], relayed: list[bytes], counted: int, done: bool
) -> None:
    progress = Progress(route="local")
    relay = EventRelay(progress)
    assert [relay.feed(read) for read in reads] == relayed
    assert progress.completion_chunks == counted
    assert relay.done is done


def test_usage_is_taken_from_the_stream_and_the_first_chunk_kept() -> None:
    progress = Progress(route="local")
    relay = EventRelay(progress)
    relay.feed(_chunk("a") + USAGE)
    assert progress.usage == {"prompt_tokens": 3, "completion_tokens": 2}
    assert relay.first is not None and relay.first["choices"][0]["delta"]["content"] == "a"


def test_a_last_event_without_its_blank_line_is_completed_at_the_end() -> None:
    relay = EventRelay(Progress(route="local"))
    assert relay.feed(_chunk("a")[:-2]) == b""
    assert relay.finish() == _chunk("a")
    assert relay.finish() == b""


def test_nothing_is_left_to_finish_after_done() -> None:
    relay = EventRelay(Progress(route="local"))
    relay.feed(DONE + _chunk("late")[:-2])
    assert relay.finish() == b""


@pytest.mark.parametrize(
    "read",
    [b"data: {not json\n\n", b"data: [1, 2]\n\n", _chunk("a") + b"data: nope\n\n"],
    ids=["not JSON", "not an object", "after a good chunk in the same read"],
)
def test_a_malformed_event_fails_the_whole_read(read: bytes) -> None:
    relay = EventRelay(Progress(route="local"))
    with pytest.raises(UpstreamError) as caught:
        relay.feed(read)
    assert caught.value.code == "upstream_malformed"
