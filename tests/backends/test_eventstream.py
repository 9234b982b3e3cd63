"""The fake Bedrock's event-stream encoder, checked by botocore's own parser."""

from __future__ import annotations

import json

from botocore.eventstream import EventStreamBuffer  # type: ignore[import-untyped]

from tests.support.eventstream import encode_event, encode_exception


def _decode(data: bytes, split_at: int | None = None) -> list[tuple[dict[str, str], bytes]]:
    buffer = EventStreamBuffer()
    parts = [data] if split_at is None else [data[:split_at], data[split_at:]]
    messages = []
    for part in parts:
        buffer.add_data(part)
        messages += [(message.headers, message.payload) for message in buffer]
    return messages


def test_events_round_trip_through_botocore() -> None:
    data = encode_event("messageStart", {"role": "assistant"}) + encode_event(
        "contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Grüße"}}
    )
    decoded = _decode(data, split_at=23)  # a frame split across reads
    assert [headers[":event-type"] for headers, _ in decoded] == [
        "messageStart",
        "contentBlockDelta",
    ]
    assert decoded[0][0][":message-type"] == "event"
    assert json.loads(decoded[1][1]) == {"contentBlockIndex": 0, "delta": {"text": "Grüße"}}


def test_exceptions_are_framed_as_aws_does() -> None:
    [(headers, payload)] = _decode(encode_exception("throttlingException", "slow down"))
    assert headers[":message-type"] == "exception"
    assert headers[":exception-type"] == "throttlingException"
    assert json.loads(payload) == {"message": "slow down"}
