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

# Words after a genus: what it is, where it grew, what was found.
# Diseases stay out ("Hartvigsson pneumonia" in a sign-out list names a patient).
_AFTER = (
    r"species|spp|sp|strains?|isolates?|isolated|antigens?|antibod(?:y|ies)|serology|"
    r"titers?|titres?|toxins?|pcr|resistant|susceptible|"
    r"(?:grew|grows|growing|was[ \t]+isolated|were[ \t]+isolated)[ \t]+(?:in|from|on)"
)
# Words before a genus: a finding ("positive for", "grew").
_BEFORE = (
    r"(?:positive|negative|tested|screened|screening|colonized|colonised|infected|infection)"
    r"[ \t]+(?:for|with)|grew|growing|isolated|isolating"
)
# A species epithet: lower case, Latin endings ("albicans", "aureus", "pneumoniae", "coli",
# "difficile", "marcescens"), and neither English, a drug nor a listed name.
_EPITHET = re.compile(r"[ \t]+([a-z]{4,}(?:ae|ii|i|us|um|is|ns|es|e|a|ens|ium))\b(?![\-'\u2019])")


class OrganismContext:
    """Tells whether a capitalised word stands where a genus name would."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._after = re.compile(rf"[ \t]+(?:{_AFTER})\b", re.IGNORECASE)
        self._before = re.compile(rf"\b(?:{_BEFORE})[ \t]+$", re.IGNORECASE)

    def names_an_organism(self, text: str, start: int, end: int) -> bool:
        if text[end - 2 : end] in {"'s", "\u2019s"}:
            return False  # "Candida's" is a person's
        if self._after.match(text, end) is not None:
            return True
        epithet = _EPITHET.match(text, end)
        if epithet is not None and not self._is_plain_word(epithet.group(1)):
            return True
        return self._before.search(text, max(0, start - 40), start) is not None

    def _is_plain_word(self, key: str) -> bool:
        """English, a drug or a listed name: prose or a surname after the word, not an
        epithet."""
        lexicon = self._lexicon
        return (
            lexicon.vocabulary.knows(key) or key in lexicon.first_names or key in lexicon.last_names
        )
