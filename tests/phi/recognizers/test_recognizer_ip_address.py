"""Table-driven tests of the ip_address recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("login from 192.168.10.25 failed", "192.168.10.25"),
    ("host 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
    ("peer fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"),
]
NEGATIVES = [
    "version 1.2.3.4567 released",
    "values 300.1.2.3 are not addresses",
    "ratio 3:2 at 10:30",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.IP_ADDRESS)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.IP_ADDRESS) == []
