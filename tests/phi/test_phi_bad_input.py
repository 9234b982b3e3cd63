"""Bad input: a result or a clear 4xx, never a crash, never a silent non_phi."""

from __future__ import annotations

from typing import Any

import pytest

from router.errors import ClassificationRejected
from router.phi import Classifier, PhiConfig
from router.tiers import Tier


def test_empty_text(classifier: Classifier) -> None:
    result = classifier.classify_text("")
    assert result.tier is Tier.NON_PHI and result.entities == ()


def test_one_megabyte_is_scanned(classifier: Classifier) -> None:
    filler = "The guideline recommends exercise and a balanced diet. " * 19_000
    text = filler + "Patient John Smith, SSN 123-45-6789."
    assert len(text) > 1_000_000
    result = classifier.classify_text(text)
    assert {e.text for e in result.entities} >= {"John Smith", "123-45-6789"}


def test_too_large_is_rejected() -> None:
    small = Classifier(PhiConfig(recognizers=("ssn",), max_scan_chars=100))
    with pytest.raises(ClassificationRejected) as raised:
        small.classify_text("x" * 101)
    assert raised.value.status_code == 400
    assert "x" * 10 not in raised.value.message


def test_deep_nesting_is_rejected(classifier: Classifier) -> None:
    nested: Any = "SSN 123-45-6789"
    for _ in range(100):
        nested = [nested]
    body = {"messages": [{"role": "user", "content": nested}]}
    with pytest.raises(ClassificationRejected, match="nested too deeply"):
        classifier.classify_chat(body)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"messages": "hello"},
        {"messages": [42]},
        {"messages": [{"role": "user", "content": [{"type": "file", "file": {"file_data": "x"}}]}]},
        {"messages": [{"role": "user", "content": b"bytes"}]},
    ],
)
def test_unscannable_bodies_are_rejected(classifier: Classifier, body: Any) -> None:
    with pytest.raises(ClassificationRejected):
        classifier.classify_chat(body)


def test_non_text_field_is_rejected(classifier: Classifier) -> None:
    with pytest.raises(ClassificationRejected):
        classifier.classify_fields([("input[0]", 123)])


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02\xff\ufffe garbage \udc80\udcff SSN 123-45-6789",
        "\ud800 lone surrogate then Dr. Nguyen",
        bytes(range(256)).decode("latin-1") * 4,
        "\u0301\u0301\u200b\u200b" * 1000,
    ],
)
def test_garbage_and_invalid_unicode_give_a_result(classifier: Classifier, text: str) -> None:
    result = classifier.classify_text(text)
    assert result.tier in set(Tier)
    for entity in result.entities:
        assert text[entity.start : entity.end] == entity.text


def test_unexpected_errors_propagate(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = Classifier(PhiConfig(recognizers=("ssn",)))

    def explode(text: str) -> None:
        raise RuntimeError("scanner down")

    monkeypatch.setattr(broken._scanner, "scan", explode)
    with pytest.raises(RuntimeError):
        broken.classify_text("SSN 123-45-6789")
