"""Table-driven tests of the age recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("a 92-year-old woman with CHF", "92-year-old"),
    ("Pt is 95 yo", "95 yo"),
    ("aged 101, lives alone", "aged 101"),
    ("91M with sepsis", "91M"),
    ("she is in her 90s", "in her 90s"),
]
NEGATIVES = [
    "a 55-year-old man with hypertension",
    "an 89-year-old woman",
    "oxygen saturation 95%",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.AGE_OVER_89)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.AGE_OVER_89) == []
