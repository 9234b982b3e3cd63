"""Table-driven tests of the other_id recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("accession number 22-55-0091", "22-55-0091"),
    ("specimen ID S2231887", "S2231887"),
    ("ref 4455667788 attached", "4455667788"),
]
NEGATIVES = [
    "NNT of 25 over 5 years",
    "a dose of 2,500,000 units",
    "id est",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.OTHER_ID)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.OTHER_ID) == []
