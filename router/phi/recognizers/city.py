"""Cities, towns and counties: "Springfield, IL", "Austin, Texas", "Marin County", and
capitalised places after a residence cue ("lives in Oakland"). States and countries are
not identifiers under Safe Harbor and are never reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
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


class CityRecognizer(Recognizer):
    name = "city"

    def __init__(self) -> None:
        self._state_names = frozenset(name.lower() for name in US_STATE_NAMES.split("|"))
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
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in drop_nested(longest_per_start(hits)):
            segment = text[hit.start : hit.end]
            noise = self._leading_noise.match(segment) if hit.tag == "cue" else None
            start = hit.start + (noise.end() if noise else 0)
            end = hit.end
            if hit.tag == "before_state":
                end = hit.start + segment.index(",")
            place = text[start:end]
            if not place or place.lower() in self._state_names:
                continue
            confidence = 0.8 if hit.tag != "cue" else 0.7
            yield Candidate(EntityType.LOCATION, start, end, confidence, self.name)
