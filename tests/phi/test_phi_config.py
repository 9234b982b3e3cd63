"""Configuration is strict, immutable and decides which recognizers run."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from router.phi import Classifier, EntityType, PhiConfig
from router.settings import Settings


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


@pytest.fixture(scope="module")
def with_systems() -> Classifier:
    return Classifier(PhiConfig(system_names=("Glooko", "Meditech")))


# A word no list holds and nothing around it places is taken for a possible name, unless
# the hospital lists it among its systems; after a title it is a person's name all the same.
SYSTEM_NAME_CASES = [
    ("Glooko crashed again after lunch.", [], ["Glooko"]),
    ("Is meditech down? Meditech support says no.", [], ["Meditech"]),
    ("A note from Glooko today.", [], ["Glooko"]),
    ("Dr. Glooko will see you now.", ["Glooko"], ["Glooko"]),
    ("Hartvigsson crashed again after lunch.", ["Hartvigsson"], ["Hartvigsson"]),
]


@pytest.mark.parametrize(("text", "listed", "default"), SYSTEM_NAME_CASES)
def test_system_names_are_not_people(
    classifier: Classifier,
    with_systems: Classifier,
    text: str,
    listed: list[str],
    default: list[str],
) -> None:
    def names(c: Classifier) -> list[str]:
        return [e.text for e in c.classify_text(text).entities if e.type is EntityType.NAME]

    assert names(with_systems) == listed
    assert names(classifier) == default


def test_system_names_are_one_word_each() -> None:
    with pytest.raises(ValidationError):
        PhiConfig(system_names=("Cerner Millennium",))
    with pytest.raises(ValidationError):
        PhiConfig(system_names=("",))


def test_settings_carry_system_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVEREIGN_ROUTER_PHI__SYSTEM_NAMES", '["Glooko", "Meditech"]')
    assert Settings().phi.system_names == ("Glooko", "Meditech")
    with pytest.raises(ValidationError):
        Settings(phi={"colour": "blue"})
    with pytest.raises(ValidationError):
        Settings(phi={"system_names": ["Cerner Millennium"]})


def test_settings_make_the_classifier_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVEREIGN_ROUTER_PHI__SYSTEM_NAMES", '["Glooko"]')
    monkeypatch.setenv("SOVEREIGN_ROUTER_PHI__FIELD_CACHE_SIZE", "0")
    config = Settings().phi.classifier_config()
    assert config.system_names == ("Glooko",)
    assert config.field_cache_size == 0
    with pytest.raises(ValidationError):
        Settings(phi={"field_cache_size": -1})
