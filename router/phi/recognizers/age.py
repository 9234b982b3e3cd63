"""Ages over 89 (Safe Harbor allows ages up to 89 to stay; "90 or older" must be grouped)."""

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

_OLD = r"(?:9\d|1[0-2]\d)"
_UNITS = ["ninety"] + [
    f"ninety[\\s\\-]{unit}"
    for unit in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
]
_WORDS = "(?:" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"


class AgeRecognizer(Recognizer):
    name = "age"

    def patterns(self) -> Sequence[Pattern]:
        years = r"(?:years?|yrs?|y/?o|y\.o\.?|yo|year[\s\-]old|yr[\s\-]old)"
        return (
            Pattern("age", rf"\b{_OLD}\s?-?\s?{years}\b", caseless=True, max_length=40),
            Pattern(
                "age", rf"\b{_OLD}[\s\-]?(?:year|yr)s?[\s\-]old\b", caseless=True, max_length=40
            ),
            Pattern(
                "age", rf"\b{_WORDS}[\s\-]+(?:years?|year[\s\-]old)\b", caseless=True, max_length=40
            ),
            Pattern("age", rf"\b(?:age|aged|age:)\s*:?\s*{_OLD}\b", caseless=True, max_length=40),
            Pattern("age", rf"\b{_OLD}\s?(?:M|F|male|female|man|woman)\b", max_length=40),
            Pattern(
                "age", rf"\b(?:turned|turn|turning|turns)\s+{_OLD}\b", caseless=True, max_length=40
            ),
            Pattern(
                "age",
                r"\bin\s+(?:his|her|their)\s+(?:90s|nineties|100s)\b",
                caseless=True,
                max_length=40,
            ),
            Pattern("age", r"\b(?:nonagenarian|centenarian)\b", caseless=True, max_length=40),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in drop_nested(longest_per_start(hits)):
            yield Candidate(EntityType.AGE_OVER_89, hit.start, hit.end, 0.9, self.name)
