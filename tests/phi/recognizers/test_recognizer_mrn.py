"""Table-driven tests of the mrn recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("MRN: 12345678", "12345678"),
    ("MR# 0045-2231", "0045-2231"),
    ("medical record number 12345-JS", "12345-JS"),
    ("chart UCSF-12345 reviewed", "UCSF-12345"),
    ("id 12345-JS on the wristband", "12345-JS"),
    ("MRN12345678 flagged", "MRN12345678"),
]
NEGATIVES = [
    "COVID-19 vaccine",
    "ICD-10 code E11.9",
    "SARS-CoV-2 infection",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.MRN)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.MRN) == []
