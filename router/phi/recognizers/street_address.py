"""Street addresses and their parts: "1234 Oak Street", "55 W. 3rd Ave, Apt 4B",
"P.O. Box 12", European "Hammarvägen 15" and "Rue de Piétrain 371", "28245 Puruntie 82
Apt. 595", military "PSC 6293, Box 8158 / APO AP 04336", and whatever follows an address
cue ("lives at ...") up to the end of the line. A postal address written over several lines
is taken whole: the short lines after a street line (unit, town, region, postcode) belong
to it.
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
    "springs|station|sta|summit|track|trace|valley|vista|wells?|ville|via|forge|forges|brook|"
    "brooks|stream|key|keys|common|commons|shoal|shoals|spur|spurs|mission|ports?|glens?|"
    "manor|manors|mall|coves?|creek|crest|curve|dale|dam|divide|extension|ext|falls?|ferry|"
    "fields?|flats?|ford|fords|forest|fort|freeway|gateway|greens?|harbors?|haven|hollow|"
    "inlet|islands?|isle|knolls?|lakes?|lights?|loaf|locks?|lodge|mount|mountain|neck|"
    "orchard|oval|overpass|pines?|plains?|prairie|radial|ramp|rapids?|rest|rue|shore|skyway|"
    "squares?|streets?|stravenue|throughway|tunnel|underpass|unions?|viaduct|views|villages?|"
    "cliffs?|camp|canyon|cape|causeway|center|centers|corners?|course|courts|crossroad|"
    "bayou|beach|bend|bluffs?|bottom|branch|bridge|burgs?|bypass|drives|estates|expressway|"
    "heights|highway|hills|junctions|ways|well|wall|station|parks|parkways|routes|ridges|"
    "tracks|trafficway|turnpike|alley|annex|arcade|avenue|mews|motorway|lane|road|roads|club|"
    "land|river|lake|lakes|green|garden|harbor|hills|pine|mills"
)
_UNIT = (
    r"(?:,?\s*(?i:apt|apartment|suite|ste|unit|room|rm|fl|floor|bldg|building|#)"
    r"\.?\s*#?[A-Za-z0-9\-]{1,6})"
)
_NAME_WORD = r"[A-Z0-9][A-Za-z0-9.'\-]*"
_STRONG_SUFFIXES = "street|avenue|road|boulevard|lane|drive|court|parkway|highway|terrace"
# A line of a postal address block: short, no sentence, no contact detail.
_BLOCK_LINE = (
    r"\n(?:[ \t]*\n)?[ \t>?*\-]*(?![^\n]*(?:@|https?:|www\.|"
    r"\b(?i:phone|mobile|cell|fax|desk|office|tel|e-?mail|website|date|name|dob)\b))"
    r"(?P<line>[^\W_][^\n.!?;:]{0,38}?)[ \t,]*(?=\n|$)"
)
# "28245 Puruntie 82 Apt. 595": house number, street name, number, then a unit or line end.
_NUMBERED_STREET = (
    r"\b\d{1,6}\s+[A-Z][A-Za-z'\-]+(?:\s+[A-Za-z][A-Za-z'\-]*){0,3}\s+\d{1,5}[A-Za-z]?\.?"
    r"(?:\s*,|\s*\n|\s+(?i:apt|apartment|suite|ste|unit)\b\.?\s*#?\d{1,6})"
)
_EUROPEAN = (
    "[A-Z][a-z]+(?:vagen|gatan|gata|strasse|weg|laan|straat|katu|kuja|gade|vej|veien|"
    "vegen|utca|ulica|platz|allee|gasse|plein|kade|singel|gracht)"
)


class StreetAddressRecognizer(Recognizer):
    name = "street_address"

    def __init__(self) -> None:
        self._cue_tail = re.compile(r"(?:\s+is)?[\s:\-]*", re.IGNORECASE)
        # The address ends at the end of the line or sentence, or where prose resumes.
        self._block_line = re.compile(_BLOCK_LINE)
        self._rest_of_line = re.compile(
            r"[^\n;!?]{3,90}?(?=[\n;!?]|\.(?:\s|$)|$|\s(?:with|and|for|who|since|because|but)\s)"
        )

    def patterns(self) -> Sequence[Pattern]:
        # Street words are capitalised ("Oak Street", "OAK ST"): lower-case runs such as
        # "5 days in a row" are prose. The unambiguous suffixes are accepted in any case.
        words = sorted(set(_SUFFIXES.split("|")))
        title = "|".join(word.capitalize() for word in words)
        upper = "|".join(word.upper() for word in words)
        return (
            Pattern(
                "street",
                rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z0-9][a-z0-9.'\-]*\s+){{1,3}}(?:{title})\b\.?{_UNIT}?",
                max_length=80,
            ),
            Pattern(
                "street",
                rf"\b\d{{1,6}}[A-Z]?\s+(?:[A-Z0-9][A-Z0-9.'\-]*\s+){{1,3}}(?:{upper})\b\.?{_UNIT}?",
                max_length=80,
            ),
            Pattern(
                "street",
                rf"\b\d{{1,6}}\s+(?:[A-Za-z][A-Za-z.'\-]*\s+){{1,3}}(?:{_STRONG_SUFFIXES})\b{_UNIT}?",
                caseless=True,
                max_length=80,
            ),
            Pattern(
                "unit",
                r"\b(?:apt|apartment|suite|ste|unit)\.?\s*#?\s*\d+[A-Za-z]?\b",
                caseless=True,
                max_length=80,
            ),
            Pattern("po_box", r"\bp\.?\s?o\.?\s*box\s+\d+\b", caseless=True, max_length=80),
            Pattern("street", _NUMBERED_STREET, max_length=80),
            Pattern(
                "street",
                r"\b[A-Z][A-Za-z'\-]+(?:\s+[A-Za-z][A-Za-z'\-]*){0,3}\s+\d{1,5}[A-Za-z]?\.?,?\s+"
                r"(?i:apt|apartment|suite|ste)\b\.?\s*#?\d{1,6}",
                max_length=80,
            ),
            Pattern(
                "po_box",
                r"\b(?:psc|cmr|unit)\s+\d{3,5},?\s+box\s+\d{3,5}\b|"
                r"\b(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5}\b",
                caseless=True,
                max_length=80,
            ),
            Pattern(
                "european", rf"\b{_EUROPEAN}\s+\d{{1,5}}[A-Za-z]?\b", caseless=True, max_length=80
            ),
            Pattern(
                "european",
                r"\b(?:rue|via|viale|calle|avenida|rua|ul\.|ulica|avenue|boulevard|piazza|plaza)\s+"
                r"(?:[A-Za-z][A-Za-z.'\-]*\s+){0,4}\d{1,5}[A-Za-z]?\b",
                caseless=True,
                max_length=80,
            ),
            Pattern(
                "cue_line",
                r"\b(?:address|addr|live\s+at|lives\s+at|living\s+at|resides\s+at|residing\s+at|"
                r"home\s+at|send\s+(?:it|them|this)\s+to|ship(?:ped)?\s+to|mail(?:ed)?\s+to)\b",
                caseless=True,
                max_length=0,
            ),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        # Nested hits are kept: same-type overlaps are merged by the classifier.
        for hit in longest_per_start(hits):
            if hit.tag == "cue_line":
                yield from self._after_cue(text, hit)
                continue
            confidence = 0.9 if hit.tag in {"street", "po_box"} else 0.75
            end = hit.end
            while end > hit.start and text[end - 1] in " \t\n,":
                end -= 1
            end = self._block_end(text, end)
            yield Candidate(EntityType.LOCATION, hit.start, end, confidence, self.name)

    def _block_end(self, text: str, end: int) -> int:
        """Extend a street line over the address lines under it (up to five)."""
        for _ in range(5):
            line = self._block_line.match(text, _line_end(text, end))
            if line is None:
                break
            end = line.end("line")
        return end

    def _after_cue(self, text: str, hit: Hit) -> Iterator[Candidate]:
        # "address: 5049 Harjukuja 54, SEINAJOKI": the address is what follows the cue,
        # but only when it holds a number (otherwise it is prose about an address).
        cue = self._cue_tail.match(text, hit.end)
        start = cue.end() if cue is not None else hit.end
        rest = self._rest_of_line.match(text, start)
        if rest is None:
            return
        value = rest.group().rstrip(" ,")
        if value and any(char.isdigit() for char in value):
            yield Candidate(EntityType.LOCATION, start, start + len(value), 0.7, self.name)


def _line_end(text: str, position: int) -> int:
    """Where the current line ends, if only commas and spaces are left on it."""
    cursor = position
    while cursor < len(text) and text[cursor] in " \t,":
        cursor += 1
    return cursor
