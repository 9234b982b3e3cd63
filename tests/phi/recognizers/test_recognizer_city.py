"""Table-driven tests of the city recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("She lives in Oakland with her son", "Oakland"),
    ("moved to Springfield, IL last year", "Springfield"),
    ("resident of Marin County", "Marin County"),
    ("We moved here from Kenosha", "Kenosha"),
    ("I'm in Miami for the week", "Miami"),
    # Villages of a few hundred inhabitants are in the gazetteer too.
    ("She grew up in Hallstatt", "Hallstatt"),
    ("We drove back from Tobermory yesterday", "Tobermory"),
]
NEGATIVES = [
    "He lives in fear of falling",
    "Based in California",
    "from Texas",
    "I will be travelling to France next week",
    "Seen in clinic and referred to Cardiology",
    "Transferred to PACU in stable condition",
    "Switched from Norco to Tylenol",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.LOCATION)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.LOCATION) == []
