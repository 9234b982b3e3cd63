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
from router.phi.lexicon import fold
from router.phi.recognizers.base import (
    Candidate,
    Hit,
    Pattern,
    Recognizer,
    drop_nested,
    longest_per_start,
)
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
    "in|at|from|to|of|the|and|near|lives|living|live|resides|resident|moved|born|city|town"
)
# Prepositions after which a gazetteer place is taken as a place ("from Kenosha").
_PLACE_PREPOSITIONS = r"in|at|from|to|near|outside|around|towards?|visiting|returned\s+to"


class CityRecognizer(Recognizer):
    name = "city"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._gazetteer = gazetteer or Gazetteer.load()
        self._place_words = re.compile(r"[^\W\d_][^\W\d_'\-]*(?:[ \-][A-Z][^\W\d_'\-]*){0,3}")
        state_names = frozenset(name.lower() for name in US_STATE_NAMES.split("|"))
        self._not_local = state_names | self._gazetteer.countries
        self._leading_noise = re.compile(rf"(?:(?:{_LEADING_NOISE})\s+)+", re.IGNORECASE)

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "before_state",
                rf"\b{_PLACE},\s*(?:{US_STATE_CODES}|{US_STATE_NAMES})\b",
                max_length=60,
            ),
            Pattern("county", rf"\b{_PLACE}\s+(?:County|Parish|Borough|Township)\b", max_length=60),
            Pattern(
                "cue",
                r"\b(?:lives|living|live|resides|residing|resident|moved|relocated|"
                r"born|grew\s+up|located|based)\s+(?:in|to|of)\s+" + _PLACE,
                max_length=60,
            ),
            Pattern("cue", r"\b(?:city|town|village)\s+of\s+" + _PLACE, max_length=60),
            # The end of "in K": the gazetteer is consulted on the words that follow.
            Pattern("preposition", rf"\b(?:{_PLACE_PREPOSITIONS})\s+[A-Z]", max_length=0),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in hits:
            if hit.tag == "preposition":
                yield from self._gazetteer_place(text, hit.end - 1)
        located = [hit for hit in hits if hit.tag != "preposition"]
        for hit in drop_nested(longest_per_start(located)):
            segment = text[hit.start : hit.end]
            noise = self._leading_noise.match(segment) if hit.tag == "cue" else None
            start = hit.start + (noise.end() if noise else 0)
            end = hit.end
            if hit.tag == "before_state":
                end = hit.start + segment.index(",")
            while end > start and text[end - 1] == ".":
                end -= 1  # the sentence's full stop
            place = text[start:end]
            if not place or fold(place) in self._not_local:
                continue
            confidence = 0.8 if hit.tag != "cue" else 0.7
            yield Candidate(EntityType.LOCATION, start, end, confidence, self.name)

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
                yield Candidate(EntityType.LOCATION, start, start + cut, 0.75, self.name)
                return
