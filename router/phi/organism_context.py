"""Where a capitalised word stands like the name of an organism, not a person.

Genus names are capitalised, most are in no word list ("Legionella", "Serratia"), and some
are census first names ("Candida"). Microbiology writes them in a few set ways: a species
epithet after them ("Candida albicans", "Serratia marcescens"), a word of the laboratory
after them ("Legionella antigen", "Aspergillus species", "Candida grew in 2 of 4
bottles", not "Maria grew up"), or a finding before them ("positive for Legionella",
"cultures grew Serratia").
"""

from __future__ import annotations

import re

from router.phi.lexicon import Lexicon

# Words after a genus: what it is, what was found. Diseases stay out ("Hartvigsson
# pneumonia" in a sign-out list names a patient).
_AFTER_WORDS = """
    species spp sp strain strains isolate isolates isolated antigen antigens antibody
    antibodies serology titer titers titre titres toxin toxins pcr resistant susceptible
"""
_AFTER = frozenset(_AFTER_WORDS.split())
# Where it grew: "grew in 2 of 4 bottles", "was isolated from" (not "grew up").
_GREW_IN = re.compile(
    r"[ \t]+(?:grew|grows|growing|was[ \t]+isolated|were[ \t]+isolated)[ \t]+(?:in|from|on)\b",
    re.IGNORECASE,
)
_GREW_STARTS = frozenset(("grew", "grows", "growing", "was", "were"))
# Words before a genus: a finding ("positive for", "grew").
_FINDING_WORDS = """
    positive negative tested screened screening colonized colonised infected infection
"""
_FINDINGS = frozenset(_FINDING_WORDS.split())
_GREW = frozenset(("grew", "growing", "isolated", "isolating"))
# A species epithet: lower case, Latin endings ("albicans", "aureus", "pneumoniae", "coli",
# "difficile", "marcescens"), and neither English, a drug nor a listed name.
_EPITHET = re.compile(r"[ \t]+([a-z]{4,}(?:ae|ii|i|us|um|is|ns|es|e|a|ens|ium))\b(?![\-'\u2019])")


class OrganismContext:
    """Tells whether a capitalised word stands where a genus name would."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon

    def names_an_organism(self, next_word: str, text: str, start: int, end: int) -> bool:
        """`next_word`: the word right after, in lower case ("" if none)."""
        if next_word in _AFTER:
            return True
        if next_word in _GREW_STARTS:
            return _GREW_IN.match(text, end) is not None
        if len(next_word) >= 4 and text[end + 1 : end + 2].islower():
            epithet = _EPITHET.match(text, end)
            if epithet is not None and not self._is_plain_word(epithet.group(1)):
                return True
        before = text[max(0, start - 24) : start].lower().split()
        if not before or text[start - 1 : start] not in {" ", "\t"}:
            return False
        if before[-1] in _GREW:
            return True
        return len(before) >= 2 and before[-1] in {"for", "with"} and before[-2] in _FINDINGS

    def _is_plain_word(self, key: str) -> bool:
        """English, a drug or a listed name: prose or a surname after the word, not an
        epithet."""
        lexicon = self._lexicon
        return (
            lexicon.vocabulary.knows(key) or key in lexicon.first_names or key in lexicon.last_names
        )
