"""ZIP and postal codes: after a state ("CA 94110"), ZIP+4, or after a ZIP/postal-code cue,
where the postcodes of other countries are read too ("394 13", "7412 SL", "3610-114",
"SW1A 1AA", "K1A 0B1", "75534-030"). A bare five-digit number is too often a count or a lab
value to be taken alone.
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

US_STATE_CODES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP"
)


# After a cue: the postcode shapes of other countries, longest first.
_POSTCODE_AFTER_CUE = (
    r"[\s:#.\-]*(?:is\s+)?[\s:#.\-]*(?P<value>"
    r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"  # United Kingdom
    r"|[A-Z]\d[A-Z] ?\d[A-Z]\d"  # Canada
    r"|\d{4} ?[A-Z]{2}"  # Netherlands
    r"|\d{2,5}[ \-]\d{2,4}"  # ZIP+4, Brazil, Portugal, Poland, Czechia, Sweden, Greece
    r"|\d{3,7}"
    r")\b"
)


class ZipCodeRecognizer(Recognizer):
    name = "zip_code"

    def __init__(self) -> None:
        self._after_cue = re.compile(_POSTCODE_AFTER_CUE)

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "after_state", rf"\b(?:{US_STATE_CODES}),?\s+\d{{5}}(?:-\d{{4}})?\b", max_length=40
            ),
            Pattern("zip4", r"\b\d{5}-\d{4}\b", max_length=40, late_start=True),  # rare
            Pattern(
                "cue",
                r"\b(?:zip|zip\s?code|postal\s+code|postcode|post\s+code)\b",
                caseless=True,
                max_length=0,
            ),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in hits:
            if hit.tag == "cue":
                value = self._after_cue.match(text, hit.end)
                if value is not None:
                    yield Candidate(EntityType.LOCATION, *value.span("value"), 0.85, self.name)
        for hit in drop_nested(longest_per_start(hit for hit in hits if hit.tag != "cue")):
            if text[hit.end : hit.end + 1] == "-":
                continue  # part of a longer code: "00093-7146-56" is a drug's NDC code
            # Report the digits only: the state itself is not an identifier.
            start = hit.start
            while start < hit.end and not text[start].isdigit():
                start += 1
            confidence = 0.85 if hit.tag != "zip4" else 0.75
            yield Candidate(EntityType.LOCATION, start, hit.end, confidence, self.name)
