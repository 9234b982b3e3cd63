"""Table-driven tests of the email recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("Email jane.doe@example.com please", "jane.doe@example.com"),
    ("JonathanPLaursen@fleckens.hu", "JonathanPLaursen@fleckens.hu"),
    ("contact: a_b+tag@mail.co.uk.", "a_b+tag@mail.co.uk"),
]
NEGATIVES = [
    "Send it to the team @ noon",
    "the @ sign alone",
    "user at example dot com",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.EMAIL)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.EMAIL) == []
