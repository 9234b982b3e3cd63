"""RFC 5424 messages: header, priority, structured data and CEF, each escaped."""

from __future__ import annotations

import re

import orjson
import pytest

from router.audit.export.config import SyslogSinkSettings
from router.audit.export.event import build_event
from router.audit.export.sinks.syslog import octet_counted
from router.audit.export.sinks.syslog_format import SyslogFormatter, cef_message
from tests.audit.export.support import PROMPT, closing, opening

HEADER = re.compile(
    r"^<(?P<pri>\d{1,3})>1 (?P<time>\S+) (?P<host>\S+) (?P<app>\S+) (?P<proc>\d+) audit "
)


def _format(event_status: int | None, **settings: object) -> str:
    formatter = SyslogFormatter(SyslogSinkSettings(host="siem", hostname="router-1", **settings))
    event = build_event(
        "req_1", opening(), closing(event_status) if event_status is not None else None
    )
    return formatter.format(event).decode()


@pytest.mark.parametrize(("status", "severity"), [(200, 6), (403, 5), (503, 4), (None, 4)])
def test_priority_is_facility_and_severity(status: int | None, severity: int) -> None:
    match = HEADER.match(_format(status, facility=13))
    assert match is not None
    assert int(match["pri"]) == 13 * 8 + severity
    assert (match["host"], match["app"]) == ("router-1", "sovereign-router")


def test_json_format_carries_the_event_as_the_message() -> None:
    line = _format(200)
    match = HEADER.match(line)
    assert match is not None and match["time"] == "2026-03-01T12:00:02.123456Z"
    rest = line[match.end() :]
    assert rest.startswith("- {")
    event = orjson.loads(rest[2:])
    assert event["request_id"] == "req_1" and event["route"] == "local-vllm"
    assert PROMPT not in line


def test_structured_data_escapes_quotes_backslashes_and_brackets() -> None:
    formatter = SyslogFormatter(
        SyslogSinkSettings(host="siem", hostname="h", format="structured_data", sd_id="sr@32473")
    )
    event = build_event("req_1", opening(reason='say "hi" \\ [x]'), closing())
    line = formatter.format(event).decode()
    assert '[sr@32473 schema="sovereign-router.audit/1" ' in line
    assert 'reason="say \\"hi\\" \\\\ [x\\]"' in line
    assert 'entity_counts="MRN:1,NAME:1"' in line
    assert 'principal_groups="apps,nursing"' in line
    assert line.endswith("] route req_1")


def test_cef_message_escapes_its_separators() -> None:
    event = build_event("req_1", opening(reason="a=b | c\nd"), closing())
    message = cef_message(event)
    assert message.startswith("CEF:0|sovereign-router|sovereign-router|")
    assert "|route|AI request route|3|" in message
    assert "msg=a\\=b | c\\nd" in message
    assert "externalId=req_1" in message and "src=10.1.2.3" in message
    assert "cs1Label=workload cs1=clinical" in message
    assert "rt=1772366402123" in message


def test_octet_counting_frames_by_byte_length() -> None:
    assert octet_counted("é".encode()) == b"2 \xc3\xa9"
