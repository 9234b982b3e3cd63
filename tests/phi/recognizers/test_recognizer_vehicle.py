"""Table-driven tests of the vehicle recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("VIN 1HGCM82633A004352", "1HGCM82633A004352"),
    ("plate SOQ 848 in lot B", "SOQ 848"),
    ("license plate 7ABC123", "7ABC123"),
]
NEGATIVES = [
    "plate reader in the lab",
    "a vehicle accident",
    "the plate was clean",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.VEHICLE_ID)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.VEHICLE_ID) == []
