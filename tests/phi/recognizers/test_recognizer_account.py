"""Table-driven tests of the account recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("account 7295804237 past due", "7295804237"),
    ("acct # 00123456", "00123456"),
    ("IBAN GB73DZEN25124557982512", "GB73DZEN25124557982512"),
    ("claim number 2023-0045-77", "2023-0045-77"),
]
NEGATIVES = [
    "take into account the dose",
    "the account was closed",
    "claims were reviewed",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.ACCOUNT_NUMBER)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.ACCOUNT_NUMBER) == []
