"""Account numbers: patient, billing and bank accounts, claims, IBANs, payment cards."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import Candidate, CueValueRecognizer, Hit, Pattern, late_starts


def passes_luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class AccountRecognizer(CueValueRecognizer):
    name = "account"
    entity_type = EntityType.ACCOUNT_NUMBER
    cues = (
        r"acc(ou)?n?t(\s+(number|no|num|#))?",
        r"a/c",
        r"acct\s?#",
        r"billing\s+(id|number|no|#|account)",
        r"claim(\s+(id|number|no|#))?",
        r"invoice(\s+(id|number|no|#))?",
        r"statement(\s+(id|number|no|#))",
        "iban",
        r"routing(\s+(number|no|#))?",
        r"card(\s+(number|no|#))?",
        r"guarantor(\s+(id|number|no|#))?",
        "fin",
        "har",
    )
    min_digits = 3

    def extra_patterns(self) -> Sequence[Pattern]:
        # IBANs and card numbers are rare: starts found by a second scan (`late_start`).
        return late_starts(
            (
                Pattern(
                    "iban",
                    r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
                    max_length=45,
                ),
                Pattern("card", r"\b\d{4}([ \-]?\d{4}){2}[ \-]?\d{1,7}\b", max_length=45),
            )
        )

    def recognize_extra(self, text: str, hit: Hit) -> Iterator[Candidate]:
        value = text[hit.start : hit.end]
        if hit.tag == "card":
            digits = "".join(char for char in value if char.isdigit())
            if 13 <= len(digits) <= 19 and passes_luhn(digits):
                yield Candidate(EntityType.ACCOUNT_NUMBER, hit.start, hit.end, 0.8, self.name)
            return
        if sum(char.isdigit() for char in value) >= 8:
            yield Candidate(EntityType.ACCOUNT_NUMBER, hit.start, hit.end, 0.8, self.name)
