"""Detection of health information: diagnoses, symptoms, medications, procedures, lab
values and encounter language. It decides between `phi_heavy` and `sometimes_phi`.
"""

from __future__ import annotations

from collections.abc import Sequence

from router.phi.health_terms import HEALTH_SUFFIXES, HEALTH_TERMS, NON_CLINICAL_WORDS
from router.phi.recognizers.base import Hit, Pattern


def _alternation(words: str) -> str:
    return "|".join(word.replace(" ", r"\s+").replace("-", r"[\-\s]?") for word in words.split("|"))


class HealthDetector:
    """Contributes patterns to the scan; reports which kinds of health information it saw."""

    def __init__(self) -> None:
        self._non_clinical = frozenset(NON_CLINICAL_WORDS.split("|"))

    def patterns(self) -> Sequence[Pattern]:
        patterns = [
            Pattern(
                kind,
                rf"\b(?:{_alternation(words)})s?\b",
                caseless=True,
                first_only=True,
                max_length=0,
            )
            for kind, words in HEALTH_TERMS.items()
        ]
        # A suffix match is one whole word of letters, so its start is where the letters
        # before its end begin: found in Python for the few words that need it, instead of
        # start tracking on every text (measured: ~0.07 ms of a 2,000-token request).
        patterns.extend(
            Pattern(
                f"suffix:{kind}", rf"\b[a-z]{{3,}}(?:{endings})s?\b", caseless=True, max_length=0
            )
            for kind, endings in HEALTH_SUFFIXES.items()
        )
        patterns.append(
            Pattern(
                "lab",
                r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|g|ml|mmol|meq|units?|iu|mmhg|bpm|mg/dl|g/dl)\b",
                caseless=True,
                first_only=True,
                max_length=0,
            )
        )
        return patterns

    def single_words(self) -> frozenset[str]:
        """Every one-word clinical term: such a token is never a person's name."""
        return frozenset(
            word for words in HEALTH_TERMS.values() for word in words.split("|") if " " not in word
        )

    def categories(self, text: str, hits: Sequence[Hit]) -> set[str]:
        found: set[str] = set()
        for hit in hits:
            if not hit.tag.startswith("suffix:"):
                found.add(hit.tag)
                continue
            kind = hit.tag.removeprefix("suffix:")
            if kind in found:
                continue
            whole = text[_word_start(text, hit.end) : hit.end].lower()
            if whole.rstrip("s") not in self._non_clinical and whole not in self._non_clinical:
                found.add(kind)
        return found


def _word_start(text: str, end: int) -> int:
    """Where the run of letters that ends at `end` begins (the scan sees any letter as one)."""
    start = end
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return start
