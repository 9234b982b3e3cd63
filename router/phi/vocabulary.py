"""Words that are not names, so that an unknown capitalised word can be taken for one.

Census lists cannot hold every surname ("Hartvigsson", "Yefremova") or foreign first name
("Mehrudin"). A capitalised word that is neither English, nor a drug, nor clinical is, in
a request, most likely a name or a place, and failing towards detection is the safe side.
What counts as known:

- English words seen at least `KNOWN_WORD_MIN_COUNT` times in the frequency dictionary
  shipped by `pyspellchecker` (MIT); British spellings ("summarise", "oedema", "colour")
  are looked up in their American form.
- Drug names, generic and brand ("Toradol", "Xarelto"): `data/drug_names.txt.gz`, made by
  `scripts/gen_drug_names.py` from the dictionary of `drug-named-entity-recognition` 2.0.9
  (MIT; DrugBank, NHS, MeSH and MedlinePlus names).
- English words written with accents ("café", "fiancé"), whatever their count.
- Biomedical word endings: organisms ("Staphylococcus", "Klebsiella"), and the
  diagnosis, procedure and drug-stem endings of `health_terms`.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from router.phi.health_terms import HEALTH_SUFFIXES

# Below this count the dictionary's entries are mostly names, typos and rare loan words.
KNOWN_WORD_MIN_COUNT = 100
_BRITISH_TO_AMERICAN = (
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("our", "or"),
    ("tre", "ter"),
    ("ae", "e"),
    ("oe", "e"),
    ("ll", "l"),
)
# Capitals inside a name: "McDowell", "MacLeod", "O'Brien", "D'Angelo", "DeShawn".
_NAME_PREFIX = re.compile(r"(?:Mc|Mac|O'|O\u2019|D'|D\u2019|De|Di|Da|La|Le|Van|Von)[A-Z][a-z]")
# What an apostrophe joins to an English word in a contraction.
_CONTRACTIONS = frozenset(("re", "ll", "ve", "d", "t", "s", "m"))
_ORGANISM_ENDINGS = "coccus|cocci|bacter|bacterium|bacillus|monas|siella|mycetes|myces|virus"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    english: frozenset[str]
    drugs: frozenset[str]
    biomedical_ending: re.Pattern[str]

    @classmethod
    def load(cls, english_counts: dict[str, int]) -> Vocabulary:
        english = frozenset(
            word for word, count in english_counts.items() if count >= KNOWN_WORD_MIN_COUNT
        ) | _loanwords(english_counts)
        endings = "|".join([_ORGANISM_ENDINGS, *HEALTH_SUFFIXES.values()])
        return cls(english, _drug_words(), re.compile(rf"(?:{endings})s?$"))

    def knows(self, key: str) -> bool:
        """Whether a folded, lower-case word is English, a drug or biomedical."""
        if key in self.english or key in self.drugs:
            return True
        stem, apostrophe, ending = key.replace("\u2019", "'").partition("'")
        if apostrophe and ending in _CONTRACTIONS:
            return stem in self.english  # "you're", "we'll", "don't"; not "o'brien"
        if self.biomedical_ending.search(key) is not None:
            return True
        return any(variant in self.english for variant in _american_spellings(key))


def name_shaped(value: str) -> str | None:
    """The word without a possessive, if it is written like a name: three letters or more,
    no capitals inside but a name's ("McDowell"); "SpO" and "iPhone" are codes and brands.
    """
    bare = value[:-2] if value.endswith(("'s", "\u2019s")) else value
    if len(bare) < 3:
        return None
    if any(char.isupper() for char in bare[1:]) and _NAME_PREFIX.match(bare) is None:
        return None
    return bare


def _loanwords(english_counts: dict[str, int]) -> frozenset[str]:
    """English words written with their accents ("café", "fiancé", "entrée"), folded as
    tokens are looked up ("cafe"). The dictionary holds few of them, each seen rarely: at
    any count they are words, not names."""
    return frozenset(
        "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        for word in english_counts
        # Latin-1 letters only (as `lexicon.english_letters`): "café", not "dvořák".
        if not word.isascii() and "'" not in word and all(ord(c) <= 0xFF for c in word)
    )


def _american_spellings(key: str) -> Iterable[str]:
    for british, american in _BRITISH_TO_AMERICAN:
        index = key.rfind(british)
        if index >= 0:
            yield key[:index] + american + key[index + len(british) :]


def _drug_words() -> frozenset[str]:
    data = resources.files("router.phi").joinpath("data/drug_names.txt.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as handle:
        return frozenset(line.rstrip("\n") for line in handle if len(line) > 1)
