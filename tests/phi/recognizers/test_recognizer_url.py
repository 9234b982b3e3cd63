"""Table-driven tests of the url recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    (
        "see https://portal.example.org/patient?id=42 now",
        "https://portal.example.org/patient?id=42",
    ),
    ("visit www.mychart-example.com.", "www.mychart-example.com"),
    ("domain fleckens.hu", "fleckens.hu"),
]
# The address ends where its run of characters ends: at a space, a newline, a quote, a
# bracket or the end of the text; the value is exactly the address.
EXACT = [
    ("see https://portal.example.org/a?id=42\nthanks", "https://portal.example.org/a?id=42"),
    ('link "http://x.example.com/p" sent', "http://x.example.com/p"),
    ("<https://example.org/q>", "https://example.org/q"),
    (
        "go to https://a.example.com/r?u=http://b.example.com",
        "https://a.example.com/r?u=http://b.example.com",
    ),
    ("portal: www.mychart-example.com/login", "www.mychart-example.com/login"),
]
NEGATIVES = [
    "e.g. take it with food",
    "version 4.2 of the guideline",
    "i.e. twice daily",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.URL)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.URL) == []


@pytest.mark.parametrize(("text", "value"), EXACT)
def test_finds_the_whole_address_and_no_more(found: Found, text: str, value: str) -> None:
    assert found(text, EntityType.URL) == [value]
