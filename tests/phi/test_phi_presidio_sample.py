"""A smoke check on the public presidio-research set (the full figures are in benchmarks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from router.phi import Classifier

DATASET = (
    Path(__file__).resolve().parents[3] / "shared/data/presidio-research/synth_dataset_v2.json"
)


def test_emails_and_ssns_in_the_public_set(classifier: Classifier) -> None:
    if not DATASET.exists():
        pytest.skip(f"public set not present at {DATASET}")
    rows = json.loads(DATASET.read_text(encoding="utf-8"))
    wanted = [
        (row["full_text"], span)
        for row in rows
        for span in row["spans"]
        if span["entity_type"] in {"EMAIL_ADDRESS", "US_SSN", "IP_ADDRESS"}
    ]
    assert wanted
    for text, span in wanted:
        entities = classifier.classify_text(text).entities
        assert any(
            e.start <= span["start_position"] and span["end_position"] <= e.end for e in entities
        ), span["entity_type"]
