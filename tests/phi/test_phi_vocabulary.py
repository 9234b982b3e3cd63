"""What the name recognizer counts as a known word, and so never as an unknown name."""

from __future__ import annotations

import pytest

from router.phi.vocabulary import Vocabulary

KNOWN = [
    "hospital",  # English
    "summarise",  # British spellings, looked up in their American form
    "oedema",
    "colour",
    "toradol",  # drugs, brand and generic
    "xarelto",
    "lisinopril",
    "staphylococcus",  # organisms
    "pseudomonas",
    "cholecystectomy",  # clinical endings
    "hospital's",  # contractions and possessives of English words
    "hospital\u2019s",
]
UNKNOWN = ["hartvigsson", "mehrudin", "yefremova", "bergqvist", "dzhambek", "o'brien", "d'angelo"]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.load({"hospital": 50_000, "summarize": 300, "edema": 200, "color": 9_000})


@pytest.mark.parametrize("word", KNOWN)
def test_knows(vocabulary: Vocabulary, word: str) -> None:
    assert vocabulary.knows(word)


@pytest.mark.parametrize("word", UNKNOWN)
def test_does_not_know(vocabulary: Vocabulary, word: str) -> None:
    assert not vocabulary.knows(word)


def test_rare_dictionary_entries_are_not_known() -> None:
    # The frequency dictionary's rarest entries are mostly names ("mccullough": 50).
    vocabulary = Vocabulary.load({"mccullough": 50})
    assert not vocabulary.knows("mccullough")
