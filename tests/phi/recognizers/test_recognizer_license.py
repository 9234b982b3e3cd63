"""Table-driven tests of the license recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("driver's license D1234567", "D1234567"),
    ("DEA number AB1234563", "AB1234563"),
    ("license # 55-9923", "55-9923"),
]
NEGATIVES = [
    "licensed practical nurse",
    "the license expired",
    "certificate of completion",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.LICENSE_NUMBER)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.LICENSE_NUMBER) == []
