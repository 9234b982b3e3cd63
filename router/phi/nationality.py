"""Where a name-like word is a country or a nationality, not a person.

Countries and US states are not identifiers (45 CFR 164.514(b)(2)(i)(B) names subdivisions
smaller than a state), and some are first names too ("France", "Georgia", "Jordan"). Alone
they stay names ("Georgia called"), but after a preposition of place they are the country
("travelling to France", "I live in Georgia"); not after a verb of speaking ("spoke to
Georgia"). Nationalities are built from the country names ("Belizian", "Greenlander",
"Czech"), less those that are also census names.
"""

from __future__ import annotations

import re

from router.phi.lexicon import Lexicon, fold

_PLACE_PREPOSITIONS = frozenset(("to", "in", "from", "across", "around", "throughout", "into"))
# A person is spoken, written or sent to, and heard from.
_PERSON_VERBS_TEXT = """
    spoke speak speaks speaking talked talk talks talking wrote write writes writing sent
    send sends sending said say says told tell tells gave give gives explained explain
    replied reply message messaged letter email emailed call called note referred refer
    introduced listen listened listening belongs belong thanks thank hello hi married
    """
_PERSON_VERBS = frozenset(_PERSON_VERBS_TEXT.split())
_SUFFIXES = ("n", "an", "ian", "ean", "er", "ish")
_TWO_WORDS_BEFORE = re.compile(r"(?:([^\W\d_]+)[ \t]+)?([^\W\d_]+)[ \t]+$")
# The rest of a country's name: "Czech Republic", "Costa Rica", "Sierra Leone".
_WORDS_AFTER = re.compile(r"(?:[ \t]+[^\W\d_]+){1,2}")


def nationalities(countries: frozenset[str], lexicon: Lexicon) -> frozenset[str]:
    """ "belize" -> "belizian", "belizean"; "greenland" -> "greenlander"; "czech republic"
    -> "czech". Forms that are census names or common words are left out ("Julian")."""
    forms: set[str] = set()
    for country in countries:
        words = country.split()
        if len(words) > 1:
            forms.add(words[0])
            continue
        # One final vowel gives way ("belize" -> "belizian"), no more: "turkey" must not
        # make "turkan", a first name no census list holds.
        stems = {country, country[:-1] if country[-1] in "aeiouy" else country}
        forms.update(stem + suffix for stem in stems for suffix in _SUFFIXES)
    names = lexicon.first_names | lexicon.last_names | lexicon.common_words
    return frozenset(form for form in forms if form not in names and len(form) > 3)


class Nationality:
    """Tells whether a name-like span is a country in place or a nationality."""

    def __init__(self, countries: frozenset[str], lexicon: Lexicon) -> None:
        self._countries = countries
        self._nationalities = nationalities(countries, lexicon)
        # First words of countries named in several ("czech" of "czech republic").
        self._heads = frozenset(country.split()[0] for country in countries if " " in country)

    def names_one(self, text: str, start: int, end: int) -> bool:
        key = text[start:end].lower()
        if not key.isascii():
            key = fold(key)
        if key in self._nationalities:
            return True
        if key in self._heads and self._country_starts(text, key, end):
            return True
        if key not in self._countries:
            return False
        before = _TWO_WORDS_BEFORE.search(text, max(0, start - 30), start)
        if before is None or before.group(2).lower() not in _PLACE_PREPOSITIONS:
            return False
        verb = before.group(1)
        return verb is None or verb.lower() not in _PERSON_VERBS

    def _country_starts(self, text: str, key: str, end: int) -> bool:
        """Whether the span and the next word or two make a country's name."""
        after = _WORDS_AFTER.match(text, end)
        if after is None:
            return False
        words = after.group().split()
        return any(
            fold(" ".join([key, *words[:count]])) in self._countries
            for count in (1, 2)
            if count <= len(words)
        )
