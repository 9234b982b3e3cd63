"""Name and word lists, loaded from installed packages (no network, no hand-typed lists).

- First and last names: the US Census 1990 name-frequency files shipped by the `names`
  package (MIT; census data in the public domain): 5,494 first names, 88,799 last names.
- How common a word is in English: the word-frequency dictionary shipped by
  `pyspellchecker` (MIT). A token found in a name list that is also a frequent word
  ("Will", "Hope", "Brown") needs more evidence than a rare one ("Nguyen").
- Frequent first names: those borne by at least 0.08% of men or of women in the census
  (about the 230 most common of each: "Natalie", "Deborah"; not "Jordan" or "Guy"), strong
  enough to make the word after them a surname even when it is a place word ("Natalie Ward").
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from dataclasses import dataclass
from importlib import resources

from router.phi.vocabulary import Vocabulary


def fold(token: str) -> str:
    """Lower-case, without accents: how tokens are looked up in the lists."""
    lowered = token.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def english_letters(token: str) -> bool:
    """Whether a word is written only in letters English words use (Latin-1: "café",
    "naïve"). "Bašić" folds to "basic" but is no English word: letters such as "š", "ł" or
    "ő" belong to other languages' words and names."""
    return token.isascii() or all(ord(char) <= 0xFF for char in token)


# The share of a sex's population that makes a first name frequent (see the docstring).
_FREQUENT_PERCENT = 0.08


@dataclass(frozen=True, slots=True)
class Lexicon:
    first_names: frozenset[str]
    last_names: frozenset[str]
    common_words: frozenset[str]
    vocabulary: Vocabulary
    frequent_first_names: frozenset[str] = frozenset()

    @classmethod
    def load(cls, common_word_min_count: int) -> Lexicon:
        names = resources.files("names")
        male = names.joinpath("dist.male.first").read_text("ascii")
        female = names.joinpath("dist.female.first").read_text("ascii")
        first = _census_names(male) | _census_names(female)
        frequent = _census_names(male, _FREQUENT_PERCENT) | _census_names(female, _FREQUENT_PERCENT)
        last = _census_names(names.joinpath("dist.all.last").read_text("ascii"))
        frequencies = resources.files("spellchecker").joinpath("resources/en.json.gz")
        # gzip does not close a file object it was handed, so both are closed explicitly.
        with frequencies.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
            counts: dict[str, int] = json.load(handle)
        common = frozenset(word for word, count in counts.items() if count >= common_word_min_count)
        return cls(
            first_names=first,
            last_names=last,
            common_words=common,
            vocabulary=Vocabulary.load(counts),
            frequent_first_names=frequent,
        )


def _census_names(table: str, min_percent: float = 0.0) -> frozenset[str]:
    # Each line: NAME, frequency %, cumulative %, rank.
    rows = (line.split() for line in table.splitlines() if line)
    return frozenset(row[0].lower() for row in rows if float(row[1]) >= min_percent)
