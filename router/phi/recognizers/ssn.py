"""Social Security numbers: 123-45-6789, 123 45 6789, or nine digits after an SSN cue."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import (
    VALUE_AFTER_CUE,
    Candidate,
    Hit,
    Pattern,
    Recognizer,
    cue_pattern,
    longest_per_start,
    value_after_cue,
)


def is_issuable(digits: str) -> bool:
    """Area 000, 666 and 900-999, group 00 and serial 0000 are never issued."""
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"


class SsnRecognizer(Recognizer):
    name = "ssn"

    def __init__(self) -> None:
        self._value_regex = re.compile(VALUE_AFTER_CUE, re.IGNORECASE)

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern("grouped", r"\b\d{3}-\d{2}-\d{4}\b", max_length=12),
            Pattern("grouped", r"\b\d{3} \d{2} \d{4}\b", max_length=12),
            cue_pattern("cue", ("ssn", r"ss\s?#", r"social\s+security(\s+(number|no|#))?", "ssa")),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in longest_per_start(hits):
            if hit.tag == "cue":
                span = value_after_cue(self._value_regex, text, hit.end, min_digits=4)
                if span is not None:
                    yield Candidate(EntityType.SSN, *span, 0.95, self.name)
                continue
            digits = "".join(char for char in text[hit.start : hit.end] if char.isdigit())
            # An unissuable number in SSN shape is still worth hiding, with less certainty.
            confidence = 0.9 if is_issuable(digits) else 0.6
            yield Candidate(EntityType.SSN, hit.start, hit.end, confidence, self.name)
