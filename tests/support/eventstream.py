"""AWS event-stream framing (`application/vnd.amazon.eventstream`), the encoding side.

A message is a prelude (total length, headers length, both 4-byte big-endian, then a CRC32 of
those 8 bytes), the headers, the payload, and a CRC32 of everything before it. A header is a
1-byte name length, the name, a 1-byte value type (7 = string), a 2-byte length and the value.
Bedrock's `converse-stream` sends one such message per event, named by `:event-type`.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import orjson

_STRING = 7
_PRELUDE = struct.Struct(">II")
_CRC = struct.Struct(">I")


def encode_headers(headers: dict[str, str]) -> bytes:
    encoded = b""
    for name, value in headers.items():
        name_bytes, value_bytes = name.encode(), value.encode()
        encoded += struct.pack(">B", len(name_bytes)) + name_bytes
        encoded += struct.pack(">BH", _STRING, len(value_bytes)) + value_bytes
    return encoded


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    encoded_headers = encode_headers(headers)
    total = _PRELUDE.size + _CRC.size + len(encoded_headers) + len(payload) + _CRC.size
    prelude = _PRELUDE.pack(total, len(encoded_headers))
    head = prelude + _CRC.pack(zlib.crc32(prelude)) + encoded_headers + payload
    return head + _CRC.pack(zlib.crc32(head))


def encode_event(event_type: str, payload: dict[str, Any]) -> bytes:
    """One event of a Bedrock runtime stream, as AWS frames it."""
    headers = {
        ":event-type": event_type,
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_message(headers, orjson.dumps(payload))


def encode_exception(exception_type: str, text: str) -> bytes:
    """An error raised inside a stream that has already begun."""
    headers = {
        ":exception-type": exception_type,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_message(headers, orjson.dumps({"message": text}))
