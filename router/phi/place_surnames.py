"""Surnames that are also place words: "Natalie Ward", "Deborah Lane".

A place word in a capitalised run ("Oak Street", "Grace Hospital") makes the run a place.
A few place words are also frequent surnames; after a first name that is frequent in the
census, no English word and no place ("Natalie", "Deborah"; not "Grace", "Victoria",
"Florence" or "Jordan"), or after an initial ("G. Ward"; not a compass point: "N. Park"),
the pair is a person, unless what comes before makes it a place:
a house number ("12 Deborah Lane") or "on", "off", "the" ("on Deborah Lane", "the
Natalie Ward" of a hospital).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from router.phi.lexicon import Lexicon, fold
from router.phi.name_terms import PLACE_SURNAMES

_PLACE_LEADS = frozenset(["on", "off", "the", "onto", "along"])
# "N. Park", "E. Lane": an abbreviated compass point, not an initial of a first name.
_COMPASS_INITIALS = frozenset("NSEW")


class _Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def initial(self) -> bool: ...


class PlaceSurnames:
    def __init__(self, lexicon: Lexicon, places: frozenset[str]) -> None:
        self._common = lexicon.common_words
        # Frequent first names that are neither English words nor places.
        self._first_names = frozenset(
            name
            for name in lexicon.frequent_first_names
            if name not in lexicon.common_words and name not in places
        )

    def named(self, text: str, part: Sequence[_Span]) -> bool:
        """Whether a first name and a place word ("Natalie Ward") name a person."""
        if len(part) != 2:
            return False
        first, last = part
        if fold(text[last.start : last.end]) not in PLACE_SURNAMES:
            return False
        given = text[first.start : first.end]
        if first.initial:
            if given in _COMPASS_INITIALS:
                return False
        elif fold(given) not in self._first_names:
            return False
        before = text[max(0, first.start - 8) : first.start].split()
        if not before:
            return True
        lead = before[-1].lower()
        return not (lead[-1].isdigit() or lead in _PLACE_LEADS)
