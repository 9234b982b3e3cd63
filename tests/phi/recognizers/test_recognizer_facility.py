"""Table-driven tests of the facility recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("admitted to Mercy General Hospital", "Mercy General Hospital"),
    ("seen at St. Mary's Medical Center", "St. Mary's Medical Center"),
    ("transferred from Kaiser Oakland Medical Center", "Kaiser Oakland Medical Center"),
]
NEGATIVES = [
    "the Cardiology Clinic opens at 8",
    "call the clinic",
    "the hospital policy",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.LOCATION)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.LOCATION) == []
