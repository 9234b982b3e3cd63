"""ZIP codes: after a state ("CA 94110"), ZIP+4, or after a ZIP/postal-code cue. A bare
five-digit number is too often a count or a lab value to be taken alone.
"""

from __future__ import annotations

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


class ZipCodeRecognizer(Recognizer):
    name = "zip_code"

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "after_state", rf"\b(?:{US_STATE_CODES}),?\s+\d{{5}}(?:-\d{{4}})?\b", max_length=40
            ),
            Pattern("zip4", r"\b\d{5}-\d{4}\b", max_length=40),
            Pattern(
                "cue",
                r"\b(?:zip|zip\s?code|postal\s+code|postcode)\s*(?:is\s+)?[:#]?\s*\d{5}(?:-\d{4})?\b",
                caseless=True,
                max_length=40,
            ),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in drop_nested(longest_per_start(hits)):
            # Report the digits only: the state itself is not an identifier.
            start = hit.start
            while start < hit.end and not text[start].isdigit():
                start += 1
            confidence = 0.85 if hit.tag != "zip4" else 0.75
            yield Candidate(EntityType.LOCATION, start, hit.end, confidence, self.name)
