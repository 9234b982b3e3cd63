"""`sovereign-router classify`, driven through its argparse registration."""

from __future__ import annotations

import argparse
import io
import json
import sys

import pytest

from router.cli import classify


def run(
    argv: list[str], stdin: bytes, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[dict[str, object]]]:
    parser = argparse.ArgumentParser()
    classify.register(parser.add_subparsers())
    args = parser.parse_args(["classify", *argv])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    status = args.handler(args)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Pt John Smith, MRN 1234567, has CHF"
    status, [record] = run([], text.encode(), monkeypatch)
    assert status == 0
    assert record["tier"] == "phi_heavy"
    entities = record["entities"]
    assert isinstance(entities, list)
    for entity in entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    assert {e["type"] for e in entities} == {"NAME", "MRN"}


def test_jsonl_lines_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [
        json.dumps({"text": "call 555-123-4567"}),
        "not json",
        json.dumps({"messages": [{"role": "user", "content": "Dear Anna, your A1c is 7"}]}),
        json.dumps({"neither": 1}),
    ]
    status, records = run(["--jsonl"], "\n".join(lines).encode(), monkeypatch)
    assert status == 1
    assert records[0]["tier"] == "sometimes_phi"
    assert "error" in records[1] and "error" in records[3]
    assert records[2]["tier"] == "phi_heavy"
    assert records[2]["entities"][0]["path"] == "messages[0].content"  # type: ignore[index]


def test_invalid_utf8_keeps_offsets(monkeypatch: pytest.MonkeyPatch) -> None:
    status, [record] = run([], b"\xff\xfe SSN 123-45-6789", monkeypatch)
    assert status == 0
    assert record["entities"] == [
        {"type": "SSN", "start": 7, "end": 18, "text": "123-45-6789", "confidence": 0.95}
    ]
