"""Diseases named after people: "Huntington's", "Hashimoto's thyroiditis", "Graves'".

A possessive of a name that ICD-10-CM names a disease after (`data/eponyms.txt`, made by
`scripts/gen_eponyms.py`) is the disease, not a person, when a clinical word follows it
(the health terms, a diagnosis ending, or a word ICD-10-CM writes after an eponym)
("Huntington's chorea", "Hashimoto's thyroiditis") or when it stands alone in a list or at
the end of a sentence ("Parkinson's, Crohn's and Alzheimer's"). A census first name is
never read so ("George's fever"): too many patients bear one. A possessive before other
words stays a person ("Cushing's daughter").
"""

from __future__ import annotations

import re
from importlib import resources

from router.phi.lexicon import Lexicon, fold

# What may follow a disease named alone: the end of a list item or of a sentence.
_ALONE_AFTER = re.compile(r"[ \t]*(?:[,.;:)\]/]|and\b|or\b|\Z|\n)")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")


class EponymFilter:
    def __init__(self, lexicon: Lexicon, clinical_words: frozenset[str]) -> None:
        data = resources.files("router.phi").joinpath("data")
        self._eponyms = frozenset(data.joinpath("eponyms.txt").read_text("utf-8").split())
        self._eponyms -= lexicon.first_names
        nouns = data.joinpath("eponym_nouns.txt").read_text("utf-8").split()
        self._clinical_words = clinical_words | frozenset(nouns)
        self._vocabulary = lexicon.vocabulary

    def names_a_disease(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] ("Huntington's", "Graves'") is a disease's eponym."""
        value = text[start:end]
        if value.endswith(("'s", "\u2019s")):
            bare = value[:-2]
        elif value.endswith("s") and text[end : end + 1] in {"'", "\u2019"}:
            bare, end = value, end + 1  # "Graves' disease": the apostrophe after the name
        else:
            return False
        if " " in bare or fold(bare) not in self._eponyms:
            return False
        if _ALONE_AFTER.match(text, end):
            return True
        after = _NEXT_WORD.match(text, end)
        if after is None:
            return False
        word = after.group(1).lower()
        return word in self._clinical_words or (
            len(word) > 5 and self._vocabulary.biomedical_ending.search(word) is not None
        )
