"""Configuration is strict, immutable and decides which recognizers run."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from router.phi import Classifier, EntityType, PhiConfig


def test_unknown_fields_and_recognizers_are_rejected() -> None:
    with pytest.raises(ValidationError):
        PhiConfig(colour="blue")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="unknown recognizers"):
        PhiConfig(recognizers=("ssn", "horoscope"))
    with pytest.raises(ValidationError):
        PhiConfig(min_confidence=1.5)


def test_config_is_frozen() -> None:
    config = PhiConfig()
    with pytest.raises(ValidationError):
        config.min_confidence = 0.1  # type: ignore[misc]


def test_only_configured_recognizers_run() -> None:
    classifier = Classifier(PhiConfig(recognizers=("email",)))
    result = classifier.classify_text("Dr. Nguyen, jane@example.com, SSN 123-45-6789")
    assert [e.type for e in result.entities] == [EntityType.EMAIL]


def test_image_parts_can_be_excluded() -> None:
    classifier = Classifier(PhiConfig(recognizers=("email",), image_parts_are_photos=False))
    body = {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]}
    assert classifier.classify_chat(body).entities == ()
