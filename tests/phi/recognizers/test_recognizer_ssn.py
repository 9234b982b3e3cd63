"""Table-driven tests of the ssn recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("SSN 123-45-6789 on file", "123-45-6789"),
    ("social security number: 078 05 1120", "078 05 1120"),
    ("ssn 123456789", "123456789"),
    ("SSN: 1 2 3-4 5-6 7 8 9", "1 2 3-4 5-6 7 8 9"),
    # full-width "ssn 123-45-6789"
    (
        "\uff53\uff53\uff4e " + "\uff11\uff12\uff13-\uff14\uff15-\uff16\uff17\uff18\uff19",
        "\uff11\uff12\uff13-\uff14\uff15-\uff16\uff17\uff18\uff19",
    ),
]
NEGATIVES = [
    "Call 555-123-4567 tomorrow",
    "Order 12-34-567 units",
    "Ratio 123-4-5678",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.SSN)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.SSN) == []
