"""Normalisation defeats evasions and maps offsets back to the original text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from router.phi import Classifier, EntityType
from router.phi.normalise import NormalisedText

FULL_WIDTH_SSN = "\uff11\uff12\uff13-\uff14\uff15-\uff16\uff17\uff18\uff19"  # "123-45-6789"
EVASIONS = [
    ("SSN " + FULL_WIDTH_SSN, FULL_WIDTH_SSN),
    ("SSN 123\u200b-45-\u200d6789", "123\u200b-45-\u200d6789"),
    ("SSN 1 2 3-4 5-6 7 8 9", "1 2 3-4 5-6 7 8 9"),
    ("SSN 1.2.3-4.5-6.7.8.9", "1.2.3-4.5-6.7.8.9"),
    ("ssn\u00a0123-45-6789", "123-45-6789"),
]


@pytest.mark.parametrize(("text", "value"), EVASIONS)
def test_evasions_are_caught(classifier: Classifier, text: str, value: str) -> None:
    ssns = [e for e in classifier.classify_text(text).entities if e.type is EntityType.SSN]
    assert [e.text for e in ssns] == [value]


def test_ascii_text_is_untouched() -> None:
    normalised = NormalisedText.of("plain ascii 1 2 3")
    assert normalised.text == "plain ascii 1 2 3"
    assert normalised.to_original(6, 11) == (6, 11)


def test_spaced_digits_join_and_map_back() -> None:
    original = "id 1 2 3-4 5-6 7 8 9 end"
    normalised = NormalisedText.of(original).with_spaced_digits_joined()
    assert "123-45-6789" in normalised.text
    start = normalised.text.index("123")
    mapped = normalised.to_original(start, start + len("123-45-6789"))
    assert original[mapped[0] : mapped[1]] == "1 2 3-4 5-6 7 8 9"


def test_full_width_and_invisible_map_back() -> None:
    original = "a\u200b\uff22\uff43\ufb01x"
    normalised = NormalisedText.of(original)
    assert normalised.text == "aBcfix"
    assert normalised.to_original(1, 3) == (2, 4)
    assert normalised.to_original(3, 5) == (4, 5)


@given(st.text(max_size=60))
def test_mapping_stays_inside_the_original(original: str) -> None:
    normalised = NormalisedText.of(original).with_spaced_digits_joined()
    for start in range(len(normalised.text)):
        for end in range(start + 1, min(len(normalised.text), start + 4) + 1):
            mapped_start, mapped_end = normalised.to_original(start, end)
            assert 0 <= mapped_start <= mapped_end <= len(original)
