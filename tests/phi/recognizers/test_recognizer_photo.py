"""Table-driven tests of the photo recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    (
        "here: data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
    ),
    (
        "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD",
        "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD",
    ),
]
NEGATIVES = [
    "a photo was taken",
    "data:text/plain;base64,SGVsbG8gd29ybGQhISEhISE=",
    "image/png",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.PHOTO)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.PHOTO) == []
