"""Table-driven tests of the street_address recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("lives at 1234 Oak Street", "1234 Oak Street"),
    ("Mail to 55 W. 3rd Ave, Apt 4B", "55 W. 3rd Ave, Apt 4B"),
    ("P.O. Box 4471", "P.O. Box 4471"),
    ("his address: 5049 Harjukuja 54, SEINAJOKI", "5049 Harjukuja 54, SEINAJOKI"),
    (
        "28245 Puruntie 82 Apt. 595\n   LAPPEENRANTA\n    53650",
        "28245 Puruntie 82 Apt. 595\n   LAPPEENRANTA\n    53650",
    ),
    ("Meet me at PSC 1437, Box 3833\nAPO AA 66791", "PSC 1437, Box 3833\nAPO AA 66791"),
]
NEGATIVES = [
    "5 days in a row",
    "a 10 minute walk after meals",
    "In 2021, about 1 in 3 adults",
    "Take 2 Tylenol 500 mg at night\nThen rest",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.LOCATION)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.LOCATION) == []
