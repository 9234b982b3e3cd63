"""The export event: the record's metadata, never a body or an entity value."""

from __future__ import annotations

import orjson

from router.audit.export.event import COMPLETED, INCOMPLETE, SCHEMA, build_event
from tests.audit.export.support import PROMPT, closing, opening


def test_a_completed_record_is_one_event_with_opening_and_closing() -> None:
    event = build_event("req_1", opening(), closing(route="local-vllm-2"))
    assert event["schema"] == SCHEMA
    assert (event["event_type"], event["complete"]) == (COMPLETED, True)
    assert event["request_id"] == "req_1" and event["decision_id"] == "dec_req_1"
    assert event["received_at"] == "2026-03-01T12:00:00.123456Z"
    assert event["completed_at"] == "2026-03-01T12:00:02.123456Z"
    assert event["time"] == event["completed_at"]
    assert (event["decided_route"], event["route"]) == ("local-vllm", "local-vllm-2")
    assert event["principal_groups"] == ["apps", "nursing"]
    assert event["entity_counts"] == {"MRN": 1, "NAME": 1}
    assert (event["status_code"], event["prompt_tokens"], event["completion_tokens"]) == (
        200,
        12,
        34,
    )
    assert event["total_ms"] == 2000.123
    assert event["workload"] == "clinical" and event["rule"] == "tiers.phi_heavy[0]"


def test_no_body_and_no_entity_value_is_exported() -> None:
    text = orjson.dumps(build_event("req_1", opening(), closing())).decode()
    for fragment in (PROMPT, "Jane", "12345678", "The answer"):
        assert fragment not in text
    assert "request_body" not in text and "response_body" not in text


def test_an_opening_without_closing_is_incomplete() -> None:
    event = build_event("req_1", opening(), None)
    assert (event["event_type"], event["complete"]) == (INCOMPLETE, False)
    assert "status_code" not in event
    assert event["time"] == event["received_at"]


def test_a_closing_without_opening_keeps_what_it_knows() -> None:
    event = build_event("req_9", None, closing(status_code=499, error_class="ClientDisconnected"))
    assert (event["event_type"], event["complete"]) == (COMPLETED, False)
    assert (event["status_code"], event["error_class"]) == (499, "ClientDisconnected")
    assert event["route"] is None
