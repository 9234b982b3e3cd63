"""Telephone and fax numbers: North American (with extensions), international, national
forms with an area code in parentheses ("(08) 8747 6301"), and grouped or dotted digits
("01.84.17.61.18", "467 3395") next to a cue before ("call me on", "Phone:") or after
("... office", "-Fax").

A number is a fax number when "fax" comes shortly before or right after it.
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

# The last four digits, then an extension or a word boundary (Hyperscan has no look-ahead,
# and "3560x4587" has no boundary after the digits).
_LAST_FOUR = r"\d{4}(?:\s*(?:x|ext\.?|extension)\s*\d{1,6}\b|\b)"
# A cue word, then at most two short words ("call me on", "my registered").
_PHONE_CUE = (
    r"\b(?:phone|ph|tel|telephone|call|called|calling|cell|mobile|mob|home|work|reach|"
    r"text|contact|number|no|pager|beeper|answering|fax|whatsapp|landline|desk|office|"
    r"registered|#)\b\W*(?:[a-z]{1,4}\W+){0,2}$"
)
_PHONE_CUE_AFTER = r"^[ \t\-\\,]{0,3}(?:office|mobile|cell|home|work|fax|desk|phone|tel)\b"
_FAX_CUE = r"\bfax\b"
_NEEDS_CUE = frozenset({"grouped", "plain"})
# Shapes that may start with 0 without a cue, where dates and drug codes look alike.
_TRUNK_TAGS = frozenset({"trunk", "international"})


class PhoneRecognizer(Recognizer):
    name = "phone"

    def __init__(self) -> None:
        self._phone_cue = re.compile(_PHONE_CUE)
        self._fax_cue = re.compile(_FAX_CUE)
        self._phone_cue_after = re.compile(_PHONE_CUE_AFTER)
        self._product_code = re.compile(
            r"\b(?:lot|batch|ndc|cat|catalog|catalogue|product|item|sku|model|part|ref)\b\W*$"
        )
        self._ndc = re.compile(r"\d{4}-\d{4}-\d{2}|\d{5}-\d{3}-\d{2}|\d{5}-\d{4}-\d{1,2}")
        day_or_month = r"(?:[0-2]?\d|3[01])"
        self._date = re.compile(rf"\b{day_or_month}[./\-]{day_or_month}[./\-](?:19|20)\d{{2}}\b")

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "nanp",
                # The country code "1" starts a word: the last digit of a postcode on the
                # line above ("70651\n082 490 1693") is not one.
                r"(?:(?:\+|\b)1[ \t.\-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.\-])\d{3}[\s.\-]" + _LAST_FOUR,
                caseless=True,
                max_length=40,
            ),
            # "(08) 8747 6301", "(71) 4233-6306", "(37) 788-063", "(030) 1234567",
            # "(11) 91234-5678": an area code in brackets.
            Pattern(
                "bracketed",
                r"\(\d{2,4}\)[ \t]?(?:\d{3,5}[ \t.\-]\d{3,4}|\d{6,8})\b",
                max_length=32,
            ),
            # "+44 20 7946 0958"; "001-253-366-9781": the international access code 00.
            Pattern(
                "international",
                r"(?:\+|\b00)\d{1,3}(?:[ \t.\-]?\(?\d{1,5}\)?){2,6}\b",
                max_length=36,
            ),
            # National numbers start with the trunk prefix 0 in most of the world ("020 7946
            # 0958", "0699 868 88 55", "01.84.17.61.18", "030/1234567", "03-1234-5678").
            Pattern("trunk", r"\b0\d{1,5}(?:[ \t.\-/]\d{2,8}){1,4}\b", max_length=32),
            # Groups on one line: a postcode on the line above is not part of the number.
            Pattern("grouped", r"\b\d{2,5}(?:[ \t.\-]\d{2,8}){1,4}\b", max_length=32),
            Pattern("plain", r"\b\d{10,11}\b", max_length=32),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        accepted: list[tuple[Hit, float]] = []
        for hit in longest_per_start(hits):
            digits = count_digits(text[hit.start : hit.end])
            if hit.tag in _TRUNK_TAGS and text[hit.start] == "0" and self._not_a_number(text, hit):
                continue
            # Only loose shapes need a cue; looking for one costs, so only they look.
            needs_cue = hit.tag in _NEEDS_CUE and 7 <= digits <= 13
            confidence = self._confidence(
                hit.tag, digits, needs_cue and self._has_cue(text, hit.start, hit.end)
            )
            if confidence is not None:
                accepted.append((hit, confidence))
        # Only accepted hits compete: an unaccepted "grouped" reading of a NANP number
        # must not hide the NANP reading of the same digits.
        best = {hit: confidence for hit, confidence in accepted}
        for hit in drop_nested([hit for hit, _ in accepted]):
            before = window_before(text, hit.start, 32)
            cue_after = self._phone_cue_after.search(text[hit.end : hit.end + 10].lower())
            is_fax = (
                cue_after.group().endswith("fax")
                if cue_after
                else bool(self._fax_cue.search(before[-16:]))
            )
            entity_type = EntityType.FAX if is_fax else EntityType.PHONE
            yield Candidate(entity_type, hit.start, hit.end, best[hit], self.name)

    def _not_a_number(self, text: str, hit: Hit) -> bool:
        """A date and a time ("03.07.2018 09.30"), a drug's NDC code ("0002-3227-30"), a
        product's lot or catalogue number ("Lot 0123 4567 89")."""
        return bool(
            self._date.search(text, hit.start, hit.end)
            or self._ndc.fullmatch(text, hit.start, hit.end)
            or self._product_code.search(window_before(text, hit.start, 16))
        )

    def _has_cue(self, text: str, start: int, end: int) -> bool:
        if self._phone_cue.search(window_before(text, start, 32)):
            return True
        return self._phone_cue_after.search(text[end : end + 10].lower()) is not None

    @staticmethod
    def _confidence(tag: str, digits: int, has_cue: bool) -> float | None:
        if tag == "nanp":
            return 0.9
        if tag == "international":
            return 0.85 if 8 <= digits <= 17 else None
        if tag == "trunk":
            return 0.8 if 9 <= digits <= 12 else None
        if tag == "bracketed":
            return 0.85 if 7 <= digits <= 12 else None
        if tag == "grouped":
            # Digit groups are often doses or lab series; only a cue makes them a number.
            return 0.75 if has_cue and 7 <= digits <= 13 else None
        return 0.8 if has_cue else None
