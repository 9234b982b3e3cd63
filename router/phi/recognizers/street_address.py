"""Street addresses and their parts: "1234 Oak Street", "55 W. 3rd Ave, Apt 4B",
"P.O. Box 12", European "Hammarvägen 15" and "Rue de Piétrain 371", and whatever follows
an address cue ("lives at ...") up to the end of the line.
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
    longest_per_start,
)

_SUFFIXES = (
    "street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|"
    "terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|loop|row|alley|aly|"
    "plaza|plz|crescent|cres|close|gardens?|grove|heights|hts|hill|park|pike|point|pt|ridge|"
    "route|rte|run|turnpike|tpke|view|walk|crossing|xing|commons|estates?|expressway|expy|"
    "freeway|fwy|junction|jct|landing|meadows?|mews|mill|pass|path|port|ranch|shores?|spring|"
    "springs|station|sta|summit|track|trace|valley|vista|wells?|ville|via"
)
_UNIT = r"(?:,?\s*(?:apt|apartment|suite|ste|unit|room|rm|fl|floor|bldg|building|#)\.?\s*#?[A-Za-z0-9\-]{1,6})"
_NAME_WORD = r"[A-Z0-9][A-Za-z0-9.'\-]*"
_STRONG_SUFFIXES = "street|avenue|road|boulevard|lane|drive|court|parkway|highway|terrace"
_EUROPEAN = (
    "[A-Za-z]+(?:vagen|gatan|gata|strasse|str|weg|laan|straat|katu|kuja|tie|gade|vej|veien|"
    "vegen|utca|ulica|ut|platz|allee|gasse|plein|kade|singel|gracht|tori)"
)


class StreetAddressRecognizer(Recognizer):
    name = "street_address"

    def __init__(self) -> None:
        self._cue = re.compile(
            r"(?:address|addr|(?:i\s+)?li(?:ve|ves|ving)\s+at|resid(?:es|ing)\s+at|home\s+at|"
            r"send\s+(?:it|them|this)\s+to|ship(?:ped)?\s+to|mail(?:ed)?\s+to)"
            r"(?:\s+is)?[\s:\-]*",
            re.IGNORECASE,
        )
        self._rest_of_line = re.compile(r"[^\n;!?]{3,90}?(?=[\n;!?]|\.(?:\s|$)|$)")

    def patterns(self) -> Sequence[Pattern]:
        # Street words are capitalised ("Oak Street", "OAK ST"): lower-case runs such as
        # "5 days in a row" are prose. The unambiguous suffixes are accepted in any case.
        suffixes = "|".join(
            f"{word.capitalize()}|{word.upper()}" for word in _SUFFIXES.split("|")
        )
        return (
            Pattern(
                "street",
                rf"\b\d{{1,6}}[A-Za-z]?\s+(?:{_NAME_WORD}\s+){{1,4}}(?:{suffixes})\b\.?{_UNIT}?",
            ),
            Pattern(
                "street",
                rf"\b\d{{1,6}}\s+(?:[A-Za-z][A-Za-z.'\-]*\s+){{1,3}}(?:{_STRONG_SUFFIXES})\b{_UNIT}?",
                caseless=True,
            ),
            Pattern("unit", r"\b(?:apt|apartment|suite|ste|unit)\.?\s*#?\s*\d+[A-Za-z]?\b", caseless=True),
            Pattern("po_box", r"\bp\.?\s?o\.?\s*box\s+\d+\b", caseless=True),
            Pattern("european", rf"\b{_EUROPEAN}\s+\d{{1,5}}[A-Za-z]?\b", caseless=True),
            Pattern(
                "european",
                r"\b(?:rue|via|viale|calle|avenida|rua|ul\.|ulica|avenue|boulevard|piazza|plaza)\s+"
                r"(?:[A-Za-z][A-Za-z.'\-]*\s+){0,4}\d{1,5}[A-Za-z]?\b",
                caseless=True,
            ),
            Pattern(
                "cue_line",
                r"\b(?:address|addr|live\s+at|lives\s+at|living\s+at|resides\s+at|residing\s+at|"
                r"home\s+at|send\s+(?:it|them|this)\s+to|ship(?:ped)?\s+to|mail(?:ed)?\s+to)\b",
                caseless=True,
            ),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        # Nested hits are kept: same-type overlaps are merged by the classifier.
        for hit in longest_per_start(hits):
            if hit.tag == "cue_line":
                yield from self._after_cue(text, hit)
                continue
            confidence = 0.9 if hit.tag in {"street", "po_box"} else 0.75
            yield Candidate(EntityType.LOCATION, hit.start, hit.end, confidence, self.name)

    def _after_cue(self, text: str, hit: Hit) -> Iterator[Candidate]:
        # "address: 5049 Harjukuja 54, SEINAJOKI": the address is what follows the cue,
        # but only when it holds a number (otherwise it is prose about an address).
        cue = self._cue.match(text, hit.start)
        start = cue.end() if cue is not None else hit.end
        rest = self._rest_of_line.match(text, start)
        if rest is None:
            return
        value = rest.group().rstrip(" ,")
        if value and any(char.isdigit() for char in value):
            yield Candidate(EntityType.LOCATION, start, start + len(value), 0.7, self.name)
