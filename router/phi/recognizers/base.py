"""The recognizer interface, and the pieces most recognizers share.

A recognizer contributes patterns to the one Hyperscan pass and then verifies its hits on
the normalised text (context words, checksums, ranges), producing candidates.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import ClassVar, NamedTuple

from router.phi.entities import EntityType


@dataclass(frozen=True, slots=True)
class Pattern:
    """A Hyperscan expression (ASCII, no look-around); `tag` tells the owner which one hit.

    Hyperscan reports where a match ends. `max_length` > 0 means the owner needs where it
    starts too (the leftmost start of a match ending there); 0 means the start is not
    needed (cue words, whose value follows them) and is reported as the end.

    Start tracking makes some patterns costly in the one pass over every text (the email
    pattern alone: ~0.13 ms for a 2,000-token request). `late_start` moves that work to a
    second scan of the pattern alone, run only on texts where it matched: worth it for a
    costly pattern that rarely matches. The hits are the same either way.
    """

    tag: str
    regex: str
    caseless: bool = False
    first_only: bool = False  # report at most one match
    max_length: int = 100
    late_start: bool = False


def late_starts(patterns: Iterable[Pattern]) -> tuple[Pattern, ...]:
    """The patterns with `late_start` set where they need starts: for the patterns of an
    identifier that is rare in clinical text (street addresses, IBANs, MAC addresses...),
    whose start tracking would otherwise be paid on every text (measured: ~0.3 ms of the
    pass for a 2,000-token request)."""
    return tuple(replace(p, late_start=True) if p.max_length > 0 else p for p in patterns)


_start_of = itemgetter(1)
_end_of = itemgetter(2)


# Hits and candidates are named tuples: hundreds are made per request, and a tuple is
# several times cheaper to create than a frozen dataclass.
class Hit(NamedTuple):
    tag: str
    start: int
    end: int


class Candidate(NamedTuple):
    """A possible identifier, in normalised-text offsets."""

    type: EntityType
    start: int
    end: int
    confidence: float
    recognizer: str


class Recognizer(ABC):
    """Finds one kind of identifier.

    `recognize` is called only for a text in which the recognizer's patterns matched
    (most texts hold no SSN, no IBAN...), unless `needs_hits` is False: a recognizer that
    finds candidates without hits (names, from capitalised words) says so.
    """

    name: ClassVar[str]
    needs_hits: ClassVar[bool] = True

    @abstractmethod
    def patterns(self) -> Sequence[Pattern]: ...

    @abstractmethod
    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]: ...


def longest_per_start(hits: Iterable[Hit]) -> list[Hit]:
    """Hyperscan reports every end of a variable-length match; keep the longest one."""
    if isinstance(hits, list) and len(hits) == 1:
        return [hits[0]]  # the common case: one hit, nothing to choose
    best: dict[tuple[str, int], Hit] = {}
    for hit in hits:
        key = (hit[0], hit[1])
        kept = best.get(key)
        if kept is None or hit[2] > kept[2]:
            best[key] = hit
    # By start, longest first: two stable sorts with keys read in C, the last key first.
    return sorted(sorted(best.values(), key=_end_of, reverse=True), key=_start_of)


def drop_nested(hits: Sequence[Hit]) -> list[Hit]:
    """Of hits sorted by start, drop those inside an earlier, longer one."""
    kept: list[Hit] = []
    reach = -1
    for hit in hits:
        if hit.end <= reach:
            continue
        kept.append(hit)
        reach = max(reach, hit.end)
    return kept


def window_before(text: str, start: int, width: int) -> str:
    return text[max(0, start - width) : start].lower()


def count_digits(value: str) -> int:
    if value.isascii():  # the common case, without a Python loop over characters
        return len(value) - len(value.encode("ascii").translate(None, b"0123456789"))
    return sum(char.isdigit() for char in value)


# An identifier that follows a cue word: "MRN: 12345-JS", "member ID # W123456789".
# Connecting words ("number", "no.", "is") may sit between cue and value.
VALUE_AFTER_CUE = (
    r"[\s:#.=\-]{0,4}(?:(?:number|num|nbr|no|id|is|of|was|ending\s+in)\b\.?[\s:#.=\-]{0,3}){0,2}"
    r"(?P<value>[A-Za-z0-9](?:[A-Za-z0-9]|[\-/.](?=[A-Za-z0-9])){2,34})"
)


def value_after_cue(
    value_regex: re.Pattern[str], text: str, cue_end: int, min_digits: int
) -> tuple[int, int] | None:
    """The span of an identifier right after a cue, if it has enough digits."""
    match = value_regex.match(text, cue_end)
    if match is None or count_digits(match.group("value")) < min_digits:
        return None
    return match.span("value")


def cue_pattern(tag: str, cues: Sequence[str]) -> Pattern:
    """A case-insensitive whole-word pattern for any of the cue phrases."""
    # A cue ending in "#" ("MR#") has no word boundary after it.
    words = [cue for cue in cues if not cue.endswith("#")]
    marks = [cue for cue in cues if cue.endswith("#")]
    alternatives = [r"\b(?:" + "|".join(words) + r")\b"] if words else []
    if marks:
        alternatives.append(r"\b(?:" + "|".join(marks) + ")")
    return Pattern(tag, "|".join(alternatives), caseless=True, max_length=0)


class CueValueRecognizer(Recognizer):
    """An identifier announced by a cue: the cue's pattern, then the value after it."""

    entity_type: ClassVar[EntityType]
    cues: ClassVar[tuple[str, ...]]
    min_digits: ClassVar[int] = 2
    cue_confidence: ClassVar[float] = 0.9
    value_pattern: ClassVar[str] = VALUE_AFTER_CUE

    def __init__(self) -> None:
        self._value_regex = re.compile(self.value_pattern, re.IGNORECASE)

    def patterns(self) -> Sequence[Pattern]:
        return (cue_pattern("cue", self.cues), *self.extra_patterns())

    def extra_patterns(self) -> Sequence[Pattern]:
        return ()

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in longest_per_start(hits):
            if hit.tag == "cue":
                span = value_after_cue(self._value_regex, text, hit.end, self.min_digits)
                if span is not None:
                    yield Candidate(self.entity_type, *span, self.cue_confidence, self.name)
            else:
                yield from self.recognize_extra(text, hit)

    def recognize_extra(self, text: str, hit: Hit) -> Iterator[Candidate]:
        return iter(())
