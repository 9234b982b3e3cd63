"""Table-driven tests of the health_plan recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("member ID W123456789", "W123456789"),
    ("Medicaid # 9876543210", "9876543210"),
    ("policy number XJH-55512", "XJH-55512"),
    ("MBI 1EG4-TE5-MK73 on card", "1EG4-TE5-MK73"),
]
NEGATIVES = [
    "our policy is to call back",
    "members of the plan",
    "Medicare covers it",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.HEALTH_PLAN_ID)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.HEALTH_PLAN_ID) == []
