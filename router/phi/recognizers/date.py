"""Dates: every element except the year alone ("04/12/2023", "12-Apr-23", "April 12th",
"on the 3rd of May", "2023-04-12 10:30"). A bare year or a weekday ("last Tuesday") is not
an identifier. Dates in text with no sign of a person (a drug's approval date in a
guideline question) are kept below the default threshold.
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
    window_before,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:\d{4}|'?\d{2})"
_TIME = (
    r"(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[ap]\.?m\.?)?(?:Z|[+\-]\d{2}:?\d{2})?)?"
)
# Words showing that a text is about a person; without one, a date is probably an event
# date (publication, approval) rather than an element of someone's record.
_PERSONAL = (
    "patient|pt|he|she|his|her|him|my|me|i|i'm|i've|we|our|you|your|mr|mrs|ms|miss|dr|"
    "dob|d\\.o\\.b|born|birth|birthday|admit|admitted|admission|discharge|discharged|seen|"
    "visit|visited|appointment|appt|scheduled|surgery|died|death|deceased|expired|"
    "encounter|dos|presented|follow-up|followup|son|daughter|wife|husband|mother|father|"
    "client|resident"
)
_MONTH_DAY_CUE = (
    r"\b(?:on|since|from|until|till|by|dated?|dob|born|admitted|discharged|seen|visit|"
    r"appt|appointment|surgery|scheduled|due|starting|started|last|next)\b\W*$"
)


# A date in text with no personal word: reported below the default threshold, and raised
# by the classifier when another identifier in the same field shows it is about a person.
UNANCHORED_CONFIDENCE = 0.45


class DateRecognizer(Recognizer):
    name = "date"

    def __init__(self) -> None:
        self._month_day_cue = re.compile(_MONTH_DAY_CUE)
        self._modal_may = re.compile(r"\bmay\b")
        self._year = re.compile(r"\d{4}")
        self._number = re.compile(r"\d+")
        self._iso_separator = re.compile(r"[\-/.T ]")

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "numeric", rf"\b\d{{1,2}}/\d{{1,2}}/{_YEAR}\b{_TIME}", caseless=True, max_length=45
            ),
            Pattern(
                "numeric", rf"\b\d{{1,2}}-\d{{1,2}}-{_YEAR}\b{_TIME}", caseless=True, max_length=45
            ),
            Pattern(
                "numeric",
                rf"\b\d{{1,2}}\.\d{{1,2}}\.\d{{4}}\b{_TIME}",
                caseless=True,
                max_length=45,
            ),
            Pattern(
                "iso",
                rf"\b\d{{4}}[\-/.]\d{{1,2}}[\-/.]\d{{1,2}}\b{_TIME}",
                caseless=True,
                max_length=45,
            ),
            Pattern("month_day", r"\b\d{1,2}/\d{1,2}\b", max_length=45),
            Pattern(
                "named",
                rf"\b{_MONTH}\.?\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?{_TIME}",
                caseless=True,
                max_length=45,
            ),
            Pattern(
                "named",
                rf"\b(?:the\s+)?{_DAY}(?:\s+of)?[\s\-]+{_MONTH}\b\.?(?:[\s\-,]+{_YEAR}\b)?",
                caseless=True,
                max_length=45,
            ),
            Pattern(
                "month_year", rf"\b{_MONTH}\.?\s+(?:of\s+)?\d{{4}}\b", caseless=True, max_length=45
            ),
            Pattern(
                "personal",
                rf"\b(?:{_PERSONAL})\b",
                caseless=True,
                first_only=True,
                max_length=0,
            ),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        personal = any(hit.tag == "personal" for hit in hits)
        dates = [hit for hit in hits if hit.tag != "personal"]
        for hit in drop_nested(longest_per_start(dates)):
            confidence = self._confidence(text, hit)
            if confidence is None:
                continue
            if not personal and not self._record_form(text, hit):
                confidence = min(confidence, UNANCHORED_CONFIDENCE)
            yield Candidate(EntityType.DATE, hit.start, hit.end, confidence, self.name)

    def _record_form(self, text: str, hit: Hit) -> bool:
        """A full numeric date or a timestamp: the form of a record, not of prose.

        Guideline and drug text writes event dates in words ("approved on March 3,
        1995"); "4/14/1962" or "2018-01-14 03:07:43" is how records and forms write them,
        so these stay identifiers without a personal word (a miss is the worse error).
        """
        if hit.tag == "iso":
            return ":" in text[hit.start : hit.end]
        return hit.tag == "numeric" and self._year.search(text, hit.start, hit.end) is not None

    def _confidence(self, text: str, hit: Hit) -> float | None:
        value = text[hit.start : hit.end]
        if hit.tag == "numeric":
            return 0.9 if self._plausible_numeric(value) else None
        if hit.tag == "iso":
            parts = self._iso_separator.split(value)
            return 0.95 if 1 <= int(parts[1]) <= 12 and 1 <= int(parts[2]) <= 31 else None
        if hit.tag == "month_day":
            if not self._plausible_numeric(value) or not self._month_day_cue.search(
                window_before(text, hit.start, 20)
            ):
                return None
            return 0.8
        if hit.tag == "month_year":
            # A month with a year is a date element; in guideline text it rarely is personal.
            return 0.6
        if self._modal_may.search(value) and not self._year.search(value):
            return None  # "25 may benefit": the modal verb, not the month
        return 0.9

    def _plausible_numeric(self, value: str) -> bool:
        numbers = [int(part) for part in self._number.findall(value)[:2]]
        first, second = numbers
        month_first = 1 <= first <= 12 and 1 <= second <= 31
        day_first = 1 <= second <= 12 and 1 <= first <= 31
        return month_first or day_first
