"""Table-driven tests of the zip_code recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("Springfield, IL 62704", "62704"),
    ("zip code 94110", "94110"),
    ("ZIP 94110-1234", "94110-1234"),
    # The postcodes of other countries, after a cue.
    ("ZIP: 394 13", "394 13"),
    ("ZIP: 7412 SL", "7412 SL"),
    ("my zip code is 610", "610"),
    ("postcode SW1A 1AA", "SW1A 1AA"),
    ("postal code: K1A 0B1", "K1A 0B1"),
    ("ZIP: 75534-030", "75534-030"),
]
NEGATIVES = [
    "WBC 12000 cells",
    "n=12345 patients",
    "CPT 99213 visit",
    "zip up the jacket, 2 layers",
    "the zip code field was left empty",
    "NDC 00093-7146-56",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.LOCATION)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.LOCATION) == []
