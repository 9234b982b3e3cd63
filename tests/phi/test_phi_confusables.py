"""Look-alike folding: spoofed words fold, genuine words stay, and each word is judged once."""

from __future__ import annotations

import pytest

from router.phi.confusables import ConfusableFolder


@pytest.fixture(scope="module")
def folder() -> ConfusableFolder:
    return ConfusableFolder.load()


def test_spoofed_word_folds_to_ascii(folder: ConfusableFolder) -> None:
    folded = folder.fold("Patient \u0408\u043ehn Smith")
    assert folded == "Patient John Smith"


def test_genuine_word_stays(folder: ConfusableFolder) -> None:
    assert folder.fold("Привет мир") == "Привет мир"


@pytest.mark.parametrize("letter", ["\u00e9", "\u044f", "\u4e2d"])
def test_a_long_word_is_judged_once(
    folder: ConfusableFolder, monkeypatch: pytest.MonkeyPatch, letter: str
) -> None:
    # Judging a word again from each of its letters made a 16,000-letter word take minutes
    # and stalled every request on the event loop.
    judged: list[str] = []
    original = ConfusableFolder._is_spoof

    def counting(self: ConfusableFolder, word: str) -> bool:
        judged.append(word)
        return original(self, word)

    monkeypatch.setattr(ConfusableFolder, "_is_spoof", counting)
    text = "abc " + letter * 20_000 + " def " + letter * 3
    assert len(folder.fold(text)) == len(text)
    assert [len(word) for word in judged] == [20_000, 3]
