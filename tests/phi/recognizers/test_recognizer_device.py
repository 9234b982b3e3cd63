"""Table-driven tests of the device recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("pacemaker serial number KP1748399", "KP1748399"),
    ("S/N: 88-2231-A", "88-2231-A"),
    ("MAC address 00:1A:2B:3C:4D:5E", "00:1A:2B:3C:4D:5E"),
    ("UDI (01)00643169007222(17)160128", "(01)00643169007222(17)160128"),
]
NEGATIVES = [
    "a medical device",
    "the serial dilutions",
    "device settings were reviewed",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.DEVICE_ID)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.DEVICE_ID) == []
