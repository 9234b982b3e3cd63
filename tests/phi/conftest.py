"""Helpers over the session's one classifier (the `classifier` fixture of tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from router.phi import Classifier, EntityType

Found = Callable[[str, EntityType], list[str]]
Covered = Callable[[str, str], bool]


@pytest.fixture(scope="session")
def found(classifier: Classifier) -> Found:
    """The values of one type detected in a text."""

    def values(text: str, entity_type: EntityType) -> list[str]:
        entities = classifier.classify_text(text).entities
        return [entity.text for entity in entities if entity.type is entity_type]

    return values


@pytest.fixture(scope="session")
def covered(classifier: Classifier) -> Covered:
    """Whether detected spans (of any type) cover every character of `value` in `text`."""

    def check(text: str, value: str) -> bool:
        start = text.index(value)
        positions = {
            position
            for entity in classifier.classify_text(text).entities
            for position in range(entity.start, entity.end)
        }
        span = range(start, start + len(value))
        return all(position in positions for position in span if not text[position].isspace())

    return check
