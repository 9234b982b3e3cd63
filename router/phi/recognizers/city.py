"""Cities, towns and counties: "Springfield, IL", "Austin, Texas", "Marin County",
capitalised places after a residence cue ("lives in Oakland"), and places from the shipped
gazetteer after a preposition ("flew to Kenosha", "I'm in Miami"). States and countries
are not identifiers under Safe Harbor and are never reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.gazetteer import Gazetteer
from router.phi.health_terms import HEALTH_TERMS
from router.phi.lexicon import fold
from router.phi.recognizers.base import (
    Candidate,
    Hit,
    Pattern,
    Recognizer,
    drop_nested,
    longest_per_start,
)
from router.phi.recognizers.facility import DEPARTMENT_WORDS
from router.phi.recognizers.zip_code import US_STATE_CODES

US_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    "New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|"
    "Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|"
    "Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Puerto Rico"
)
_PLACE_WORD = r"[A-Z][A-Za-z.'\-]+"
_PLACE = rf"{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,2}}"
# Words that start a capitalised run but are not part of a place name.
_LEADING_NOISE = (
    "in|at|from|to|of|the|and|near|lives|living|live|resides|resident|moved|born|city|town|"
    "flew|flying|drove|driving|travell?ed|travell?ing|returned|emigrated|immigrated|arrived|"
    "here|back|originally|hometown|home"
)
# Prepositions after which a gazetteer place is taken as a place ("from Kenosha").
_PLACE_PREPOSITIONS = (
    r"in|at|from|to|near|outside|around|towards?|visiting|returned\s+to|[Uu]niversity\s+of"
)
# Cues after which even a place written in lower case is looked up ("lives in harburg").
_LOWER_CASE_CUES = (
    r"lives|living|live|resides|residing|moved|relocated|returned|flew|drove|travell?ed|"
    r"born|grew\s+up|originally"
)
# Travel and origin: a capitalised place after these is a destination or a home town
# even when the gazetteer does not list it ("flew to Neupré", "originally from Marindia").
_TRAVEL_CUES = (
    r"flew|flying|drove|driving|travell?ed|travell?ing|returned|emigrated|immigrated|"
    r"arrived|moved\s+here|moved\s+back|originally|hometown|home\s+town"
)
# A home town named right after the words ("her home city Station Nord").
_HOME_CUES = r"home\s+city|home\s*town|native\s+(?:city|town|village)"
# A capitalised place and a postcode after a preposition, gazetteer or not: "in Quinta de
# São Tiago 3610-114", "in ÖVERTURINGEN 840 24".
_PARTICLES = "de|da|do|dos|das|del|la|le|les|di|du|van|von|am|an|im|sur|en"
_PLACE_AND_POSTCODE = (
    r"\b(?:in|at|from|to)\s+[A-Z][A-Za-z'\-]*(?:[ \t]+(?:[A-Z][A-Za-z'\-]*|"
    rf"{_PARTICLES})){{0,3}}"
    r"[ \t]+(?:\d{4,5}|\d{3}[ \-]\d{2}|\d{4}-\d{3}|\d{2}-\d{3})\b"
)
# Words that start what follows a travel cue, a form label or a preposition but is not a
# place: "returned to Work", "Where: Emergency Room", "from Study 1234".
_NOT_PLACE_WORDS = (
    "work home school office church hospital clinic emergency er ed ward floor unit bed "
    "study trial protocol phase cohort group arm version model series type stage grade class "
    "level table figure section chapter page item step day week cycle visit dose lot batch "
    "code form please"
)
# A name followed by one of these is an eponym, not a place ("from Lyme disease").
_EPONYM_AFTER = re.compile(r"\s+(?:disease|syndrome|virus|fever|palsy|criteria|score)\b", re.I)
# Tags whose hit starts with a cue or a label before the place.
_CUED = frozenset({"cue", "field"})
# Tags reported without a start: the place is read around the hit.
_READ_IN_PYTHON = frozenset({"preposition", "travel", "place_postcode", "above_country"})
# Form fields that hold a place: "Where: Unionville", "Place of birth: Kenosha".
_PLACE_FIELDS = r"where|city|town|hometown|birthplace|place\s+of\s+birth|born\s+in"
# A postcode after a place: "in Acquapendente 01021", "ÖVERTURINGEN 840 24", "3610-114".
_POSTCODE_AFTER = r"[ \t]+(?:\d{4,5}|\d{3}[ \-]\d{2,3}|\d{4}-\d{3})\b"


class CityRecognizer(Recognizer):
    name = "city"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._gazetteer = gazetteer or Gazetteer.load()
        self._capitalised_words = re.compile(
            r"[^\W\d_][\w.'\-]*(?:[ \t]+(?=[^\W\d_])(?-i:[^\W\d_a-z])[\w.'\-]*){0,2}"
        )
        upper = r"(?=[^\W\d_a-z])[^\W\d_][\w'\-]*"  # a capitalised word, any script
        self._place_and_postcode = re.compile(
            rf"\b(?:in|at|from|to)\s+(?P<place>{upper}(?:[ \t]+(?:{upper}|{_PARTICLES})){{0,3}})"
            r"[ \t]+(?:\d{4,5}|\d{3}[ \-]\d{2}|\d{4}-\d{3}|\d{2}-\d{3})$"
        )
        self._place_words = re.compile(r"[^\W\d_][^\W\d_'\-]*(?:[ \-][A-Z][^\W\d_'\-]*){0,3}")
        state_names = frozenset(name.lower() for name in US_STATE_NAMES.split("|"))
        self._not_local = state_names | self._gazetteer.countries
        self._leading_noise = re.compile(rf"(?:(?:{_LEADING_NOISE})\s+)+", re.IGNORECASE)
        self._leading_noise_words = frozenset(_LEADING_NOISE.split("|"))
        self._postcode_after = re.compile(_POSTCODE_AFTER)
        # "EBEN\nAustria", "75001 Paris\nFrance": the line of a postal address above its
        # country or state; one to three capitalised words or a postcode, no sentence.
        self._country_lines = "|".join(
            re.escape(name) for name in sorted(self._not_local, key=len, reverse=True)
        )
        self._town_line = re.compile(
            r"[ \t]*(?P<town>(?:\d{3,6}[ \t]+)?(?=[^\W\d_a-z])[^\W\d_][\w'\-]*"
            r"(?:[ \t]+(?=[^\W\d_a-z])[^\W\d_][\w'\-]*){0,2}(?:[ \t,]+\d{3,6})?)[ \t,]*\n"
        )
        # "returned to Oncology", "arrived at ED": departments and clinical words are not
        # destinations.
        self._not_destination = (
            frozenset(DEPARTMENT_WORDS.split("|")) | frozenset(_NOT_PLACE_WORDS.split())
        ) | frozenset(word for words in HEALTH_TERMS.values() for word in words.split("|"))

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "before_state",
                rf"\b{_PLACE},\s*(?:{US_STATE_CODES}|{US_STATE_NAMES})\b",
                max_length=60,
            ),
            Pattern(
                "county",
                rf"\b{_PLACE}\s+(?:County|Parish|Borough|Township)\b",
                max_length=60,
                late_start=True,  # rare: its start is found by a second scan
            ),
            Pattern(
                "cue",
                r"\b(?:lives|living|live|resides|residing|resident|moved|relocated|"
                r"born|grew\s+up|located|based)\s+(?:in|to|of)\s+" + _PLACE,
                max_length=60,
                late_start=True,
            ),
            Pattern(
                "cue", r"\b(?:city|town|village)\s+of\s+" + _PLACE, max_length=60, late_start=True
            ),
            # Where it starts is found only for the few hits (no start tracking).
            Pattern("place_postcode", _PLACE_AND_POSTCODE, max_length=0),
            Pattern(
                "field",
                rf"(?:^|\n)[ \t]*(?i:{_PLACE_FIELDS})[ \t]*:[ \t]*[A-Z][A-Za-z'\-]*"
                r"(?:[ \t]+[A-Z][A-Za-z'\-]*){0,3}(?:[ \t]+\([A-Z][A-Za-z'\- ]*\))?",
                max_length=60,
                late_start=True,
            ),
            # The end of "flew to N": the place is read from there (no start tracking).
            Pattern("travel", rf"\b(?i:{_TRAVEL_CUES})\s+(?i:to|from|in|at)\s+[A-Z]", max_length=0),
            # "her home city Station Nord", "hometown: Marindia": a home named without a
            # preposition.
            Pattern(
                "travel",
                rf"\b(?i:{_HOME_CUES})(?:[ \t]+(?i:is|was))?[ \t]*:?[ \t]+[A-Z]",
                max_length=0,
            ),
            # The end of a line holding only a country or a state: the line above may be
            # the town of a postal address.
            Pattern(
                "above_country",
                rf"\n[ \t]*(?i:{self._country_lines})[ \t]*(?:\n|$)",
                max_length=0,
            ),
            # The end of "in K": the gazetteer is consulted on the words that follow.
            Pattern("preposition", rf"\b(?:{_PLACE_PREPOSITIONS})\s+[A-Z]", max_length=0),
            Pattern(
                "preposition",
                rf"\b(?i:{_LOWER_CASE_CUES})\s+(?i:in|to|from|at)\s+[a-z]",
                max_length=0,
            ),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in hits:
            if hit.tag == "preposition":
                yield from self._gazetteer_place(text, hit.end - 1)
            elif hit.tag == "travel":
                yield from self._destination(text, hit.end - 1)
            elif hit.tag == "place_postcode":
                yield from self._place_before_postcode(text, hit.end)
            elif hit.tag == "above_country":
                yield from self._town_above(text, hit.end)
        located = [hit for hit in hits if hit.tag not in _READ_IN_PYTHON]
        for hit in drop_nested(longest_per_start(located)):
            segment = text[hit.start : hit.end]
            cued = hit.tag in _CUED
            noise = self._leading_noise.match(segment) if cued else None
            start = hit.start + (noise.end() if noise else 0)
            if hit.tag == "field":
                start = hit.start + segment.index(":") + 1
                while start < hit.end and text[start] in " \t":
                    start += 1
            end = hit.end
            if hit.tag == "before_state":
                end = hit.start + segment.index(",")
            while end > start and text[end - 1] == ".":
                end -= 1  # the sentence's full stop
            place = text[start:end]
            if not place or fold(place) in self._not_local:
                continue
            if cued and hit.tag != "cue" and not self._is_destination(place):
                continue
            if _EPONYM_AFTER.match(text, end):
                continue
            if hit.tag == "place_postcode" and self._ends_in_year(place):
                continue
            confidence = 0.7 if cued else 0.8
            end = self._with_postcode(text, end)
            yield Candidate(EntityType.LOCATION, start, end, confidence, self.name)

    def _destination(self, text: str, start: int) -> Iterator[Candidate]:
        """The capitalised place after a travel or origin cue ("flew to Neupré")."""
        words = self._capitalised_words.match(text, start)
        if words is None:
            return
        end = words.end()
        while end > start and text[end - 1] in ".'-":
            end -= 1
        place = text[start:end]
        if (
            fold(place) in self._not_local
            or not self._is_destination(place)
            or _EPONYM_AFTER.match(text, end)
        ):
            return
        yield Candidate(EntityType.LOCATION, start, self._with_postcode(text, end), 0.7, self.name)

    def _town_above(self, text: str, end: int) -> Iterator[Candidate]:
        """The town on the line above a country's line ("EBEN\nAustria")."""
        country_line = text.rfind("\n", 0, end - 1 if text[end - 1 : end] == "\n" else end)
        if country_line <= 0:
            return
        line_start = text.rfind("\n", 0, country_line) + 1
        town = self._town_line.fullmatch(text, line_start, country_line + 1)
        if town is None:
            return
        place = town.group("town")
        words = [fold(word) for word in place.split() if not word.isdigit()]
        if " ".join(words) in self._not_local or words[0] in self._not_destination:
            return  # "Canada\nUSA", "Oncology\nGermany"; a town in capitals is usual here
        if any(word in self._leading_noise_words for word in words):
            return  # "Flew back from\nFrance": prose broken over lines
        yield Candidate(EntityType.LOCATION, town.start("town"), town.end("town"), 0.6, self.name)

    def _place_before_postcode(self, text: str, end: int) -> Iterator[Candidate]:
        """ "in Quinta de São Tiago 3610-114": the place and postcode that end at `end`."""
        match = self._place_and_postcode.search(text, max(0, end - 80), end)
        if match is None or not match.group("place")[0].isupper():
            return
        place = match.group("place")
        if self._ends_in_year(match.group()) or not self._is_destination(place):
            return
        yield Candidate(EntityType.LOCATION, match.start("place"), end, 0.7, self.name)

    def _is_destination(self, place: str) -> bool:
        first = place.split()[0]
        if first.endswith(".") or (first.isupper() and len(first) <= 4 and first.isascii()):
            return False  # "Dr. Smith", "ED", "ICU"; not "ΚΑΤΩ" (Greek for "lower")
        return fold(first) not in self._not_destination

    @staticmethod
    def _ends_in_year(place: str) -> bool:
        """ "in March 2024", "in Windows 2000": a year, not a postcode."""
        last = place.rsplit(None, 1)[-1]
        return len(last) == 4 and last.isdigit() and 1800 <= int(last) <= 2099

    def _with_postcode(self, text: str, end: int) -> int:
        postcode = self._postcode_after.match(text, end)
        return postcode.end() if postcode is not None else end

    def _gazetteer_place(self, text: str, start: int) -> Iterator[Candidate]:
        """The longest run of capitalised words from `start` that is a known place."""
        match = self._place_words.match(text, start)
        if match is None:
            return
        words = match.group()
        cuts = [index for index, char in enumerate(words) if char in " -"] + [len(words)]
        for cut in reversed(cuts):
            name = fold(words[:cut])
            if name in self._gazetteer and name not in self._not_local:
                if _EPONYM_AFTER.match(text, start + cut):
                    return
                end = self._with_postcode(text, start + cut)
                yield Candidate(EntityType.LOCATION, start, end, 0.75, self.name)
                return
