"""Capitalised tokens and what their text says: the first step of the name recognizer.

Each capitalised word is looked up once per distinct text (cached): census first or last
name, common English word, blocked (clinical, function word, weekday, unlisted acronym),
shouted, a place word, or a word no list holds (an unknown word: maybe a name).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from router.phi.lexicon import Lexicon, english_letters, fold
from router.phi.name_context import bare_middle_initial
from router.phi.name_terms import (
    FUNCTION_WORDS,
    MONTHS_AND_DAYS,
    PARTICLES,
    PLACE_WORDS,
    WEEKDAYS,
)
from router.phi.not_a_person import NotAPerson
from router.phi.vocabulary import name_shaped

# (first name, last name, common word, blocked, initial, all caps, alone, place word,
# unknown word), or SKIPPED.
_Kind = tuple[bool, bool, bool, bool, bool, bool, bool, bool, bool]
SKIPPED: _Kind = (False,) * 9
KIND_CACHE_SIZE = 65_536
# Builds a named tuple without its Python-level __new__: hundreds of tokens per request.
_new_tuple = tuple.__new__


class NameToken(NamedTuple):
    start: int
    end: int
    first: bool
    last: bool
    common: bool
    blocked: bool
    initial: bool
    all_caps: bool
    # Whether the token could be a name on its own: listed or unknown, uncommon, not shouted.
    alone: bool = False
    # Whether the token is a place word ("Street", "Hospital"): the run is not a person.
    place: bool = False
    # Not English, not a drug, not clinical, not listed ("Hartvigsson"): maybe a name.
    unknown: bool = False

    @property
    def listed(self) -> bool:
        return self.first or self.last

    @property
    def strong(self) -> bool:
        return self.listed and not self.common


class TokenReader:
    """Finds capitalised tokens in a text and says what each one is."""

    def __init__(
        self,
        lexicon: Lexicon,
        clinical_words: frozenset[str],
        countries: frozenset[str],
        not_a_person: NotAPerson,
    ) -> None:
        self._lexicon = lexicon
        self._countries = countries
        self._not_a_person = not_a_person
        # Token text -> what it says (`_kind`): names and capitalised words repeat a lot.
        self._kinds: dict[str, _Kind] = {}
        # Months stay out of this set: "April", "May", "June" are also first names.
        self.blocked = (
            clinical_words | frozenset(FUNCTION_WORDS.split()) | frozenset(WEEKDAYS.split())
        )
        self._weekdays_and_months = frozenset(MONTHS_AND_DAYS.split())
        self._place_words = frozenset(PLACE_WORDS.split())
        self._particles = frozenset(word for particle in PARTICLES for word in particle.split())
        # Capitalised tokens, Unicode-aware ("Jos\u00e9", "O'Brien", "Smith-Jones"; capitals
        # of the Latin extensions too: "\u017divkovi\u0107", "\u0141ukasz"; their lower-case
        # letters are matched as well and skipped by `_kind`).
        # The word boundary is asserted after the first letter, not before it, so that `re`
        # can skip ahead to the next capital instead of trying every position (2x faster).
        self._capitalised = re.compile(
            r"[A-Z\u00c0-\u00de\u0100-\u024f\u1e00-\u1eff](?<=\b.)[^\W\d_]*"
            r"(?:['\u2019\-][^\W\d_]+)*"
        )
        # The same tokens in an ASCII text, where a letter is [A-Za-z] and neither the
        # accented capitals nor the typographic apostrophe occur: `re` tests a range of
        # characters faster than a Unicode category (measured: -17% of the pass).
        self._capitalised_ascii = re.compile(r"[A-Z](?<=\b.)[A-Za-z]*(?:['\-][A-Za-z]+)*")

    def tokens(self, text: str) -> list[NameToken]:
        tokens: list[NameToken] = []
        kinds = self._kinds
        capitalised = self._capitalised_ascii if text.isascii() else self._capitalised
        for match in capitalised.finditer(text):
            value = match.group()
            kind = kinds.get(value)
            if kind is None:
                kind = self._kind(value)
                if len(kinds) >= KIND_CACHE_SIZE:
                    kinds.clear()  # bounded: token texts are client-controlled
                kinds[value] = kind
            if kind is SKIPPED:
                continue  # the common case, kept cheap: "The", "Patient", "Please"
            if len(value) > 1:
                # The span's tuple and the kind's joined: one allocation per token.
                tokens.append(_new_tuple(NameToken, match.span() + kind))
                continue
            start, end = match.span()
            initial = text[end : end + 1] == "." or bare_middle_initial(text, start, end, value)
            first, last, common, _, _, all_caps, _, place, _ = kind
            tokens.append(
                NameToken(
                    start, end, first, last, common, not initial, initial, all_caps, False, place
                )
            )
        return tokens

    def _kind(self, value: str) -> _Kind:
        """What a token's text says wherever it appears (cached per text): (first name,
        last name, common word, blocked unless an initial, initial, all caps, alone, place
        word, unknown word)."""
        if not value[0].isupper() or (len(value) > 1 and value.lower() in self.blocked):
            return SKIPPED
        if value.isupper() and value.lower() in self._particles:
            # "DE", "VAN": in capitals a particle joins the names around it ("ÉLÉONORE DE
            # SOUSA", `NameRecognizer._joins`) rather than being a word of its own.
            return SKIPPED
        if self._not_a_person.is_system(value):
            return SKIPPED  # configured as one of the hospital's systems: never a name
        first, last, common, calendar = self._lexical(value)
        listed = first or last
        blocked = (
            (common and not listed)
            or len(value) == 1
            # An unlisted acronym ("CHF", "ICU") beside a name is not part of it.
            or (len(value) <= 4 and value.isupper() and not listed)
        )
        all_caps = len(value) > 1 and value.isupper()
        common = common or calendar
        # A shouted word is judged in its written form ("POREDA" as "Poreda"); alone it is
        # still no name (`alone`), but beside another such word it may be ("POREDA, MATEUSZ").
        spelled = value.capitalize() if all_caps else value
        unknown = not (blocked or listed or common) and self.unknown_word(spelled)
        alone = not blocked and (listed or unknown) and not common and not all_caps
        place = fold(value) in self._place_words
        return first, last, common, blocked, False, all_caps, alone, place, unknown

    def unknown_word(self, value: str) -> bool:
        """Not English, a drug, clinical or a country, and not a code ("SpO") or a brand
        ("iPhone"): in a request, most likely a name or a place."""
        bare = name_shaped(value)
        if bare is None:
            return False
        key = fold(bare)
        if key in self.blocked or key in self._countries:
            return False
        if not english_letters(bare):
            return True  # "Bašić" is not "basic"
        vocabulary = self._lexicon.vocabulary
        return not any(vocabulary.knows(part) for part in key.split("-") if part)

    def _lexical(self, value: str) -> tuple[bool, bool, bool, bool]:
        """(first name, last name, common word, weekday or month) of a token's text."""
        key = fold(value)
        lexicon = self._lexicon
        parts = key.replace("\u2019", "'").split("-")
        first = key in lexicon.first_names or parts[0] in lexicon.first_names
        last = key in lexicon.last_names or parts[-1] in lexicon.last_names
        common = key in lexicon.common_words and english_letters(value)
        return first, last, common, key in self._weekdays_and_months
