"""Table-driven tests of the date recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("Pt admitted 04/12/2023 with pneumonia", "04/12/2023"),
    ("He was seen on 12-Apr-23.", "12-Apr-23"),
    ("My surgery is April 12th", "April 12th"),
    ("She was born on the 3rd of May", "the 3rd of May"),
    ("Patient admitted 2023-04-12 10:30", "2023-04-12 10:30"),
    ("DOB: Mar 3, 1950", "Mar 3, 1950"),
    ("I was seen on 5/12 by the nurse", "5/12"),
    ("It's like that since 4/14/1962", "4/14/1962"),
    ("When: 2006-04-07 09:00:27", "2006-04-07 09:00:27"),
]
NEGATIVES = [
    "The committee met last Tuesday",
    "In 2019 the guideline changed",
    "Take 1/2 tablet twice daily",
    "BP 120/80",
    "Patients aged 25 may benefit",
    "The drug was approved on March 3, 1995 by the FDA.",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.DATE)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.DATE) == []
