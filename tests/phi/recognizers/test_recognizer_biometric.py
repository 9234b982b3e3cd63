"""Table-driven tests of the biometric recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("fingerprint template 9f86d081884c7d65", "9f86d081884c7d65"),
    ("voiceprint ID VP-22981", "VP-22981"),
    ("retina scan id RS0042", "RS0042"),
]
NEGATIVES = [
    "fingerprint on the glass",
    "biometric login is enabled",
    "iris scan was normal",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.BIOMETRIC_ID)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.BIOMETRIC_ID) == []
