"""Telephone and fax numbers: North American, international, and grouped digits after a cue.

A number is a fax number when "fax" comes shortly before it.
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
    count_digits,
    drop_nested,
    longest_per_start,
    window_before,
)

_EXTENSION = r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?"
_PHONE_CUE = (
    r"\b(?:phone|ph|tel|telephone|call|called|calling|cell|mobile|mob|home|work|reach|"
    r"text|contact|number|no|pager|beeper|answering|at|fax|whatsapp|landline|#)\b\W*$"
)
_FAX_CUE = r"\bfax\b"


class PhoneRecognizer(Recognizer):
    name = "phone"

    def __init__(self) -> None:
        self._phone_cue = re.compile(_PHONE_CUE)
        self._fax_cue = re.compile(_FAX_CUE)

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "nanp",
                r"(?:\+?1[\s.\-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.\-])\d{3}[\s.\-]\d{4}\b" + _EXTENSION,
                caseless=True,
                max_length=32,
            ),
            Pattern("international", r"\+\d{1,3}(?:[\s.\-]?\(?\d{1,5}\)?){2,6}\b", max_length=32),
            Pattern("grouped", r"\b\d{2,5}(?:[\s.\-]\d{2,5}){2,4}\b", max_length=32),
            Pattern("plain", r"\b\d{10,11}\b", max_length=32),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in drop_nested(longest_per_start(hits)):
            value = text[hit.start : hit.end]
            digits = count_digits(value)
            before = window_before(text, hit.start, 24)
            confidence = self._confidence(
                hit.tag, digits, self._phone_cue.search(before) is not None
            )
            if confidence is None:
                continue
            entity_type = EntityType.FAX if self._fax_cue.search(before) else EntityType.PHONE
            yield Candidate(entity_type, hit.start, hit.end, confidence, self.name)

    @staticmethod
    def _confidence(tag: str, digits: int, has_cue: bool) -> float | None:
        if tag == "nanp":
            return 0.9
        if tag == "international":
            return 0.85 if 8 <= digits <= 15 else None
        if tag == "grouped":
            # Digit groups are often doses or lab series; only a cue makes them a number.
            return 0.75 if has_cue and 7 <= digits <= 13 else None
        return 0.8 if has_cue else None
