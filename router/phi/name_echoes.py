"""A name found once names the same person wherever its words recur in the text.

"this is Emily Ramirez ... Thanks, Emily", "directed by Bryan Maclean and starring Maclean":
the second mention alone is weak evidence (a common word, a lone surname), but it is the
person the first mention named, and de-identification must replace it too. Only words of
confidently found names echo, capitalised as they were found; the text already carries an
identifier, so an echo never changes a request's tier.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from router.phi.entities import EntityType
from router.phi.name_terms import FUNCTION_WORDS, MONTHS_AND_DAYS
from router.phi.recognizers.base import Candidate

# Names as sure as a census name in a run or after a cue; weaker ones do not echo.
_MIN_SOURCE_CONFIDENCE = 0.75
_ECHO_CONFIDENCE = 0.6
_PUNCTUATION = ".,;:!?()[]\"'\u2019"
# Read once: an enum class's member costs several times a module constant, per candidate.
_NAME = EntityType.NAME


class NameEchoes:
    def __init__(self, clinical_words: frozenset[str], common_words: frozenset[str]) -> None:
        # Function and clinical words, weekdays and months ("Patient", "The"): never echoed.
        self._never = clinical_words | frozenset(f"{FUNCTION_WORDS} {MONTHS_AND_DAYS}".split())
        # A common word ("Will", "Mark") does not echo where a sentence starts: "Will you".
        self._common = common_words

    def find(self, text: str, candidates: Iterable[Candidate]) -> Iterator[Candidate]:
        spans = [
            (c[1], c[2]) for c in candidates if c[0] is _NAME and c[3] >= _MIN_SOURCE_CONFIDENCE
        ]
        if not spans:
            return
        # The words of all names at once; most appear once in the text: nothing to echo.
        named = " ".join([text[start:end] for start, end in spans])
        for part in set(named.split()):
            word = part.strip(_PUNCTUATION).removesuffix("'s").removesuffix("\u2019s")
            if (
                len(word) >= 3
                and word[0].isupper()
                and text.count(word) > 1
                and word.lower() not in self._never
            ):
                yield from self._mentions(text, word, spans)

    def _mentions(self, text: str, word: str, spans: list[tuple[int, int]]) -> Iterator[Candidate]:
        common = word.lower() in self._common
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            whole = (start == 0 or not text[start - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()
            )
            if (
                whole
                and not any(s <= start and end <= e for s, e in spans)
                and not (common and _starts_sentence(text, start))
            ):
                yield Candidate(EntityType.NAME, start, end, _ECHO_CONFIDENCE, "name")
            start = text.find(word, end)


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?:\n"
