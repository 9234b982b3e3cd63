"""One pass of a multi-pattern engine (Hyperscan) over a text, for every recognizer at once.

Python's `re` walks the text once per pattern: the same ~80 patterns cost about 40 ms for a
2,000-token request (measured by benchmarks/phi_eval.py). Hyperscan compiles them all into
one automaton and reports every match in a single pass (~0.3-1 ms); recognizers then verify
the few candidates in Python. Start offsets are tracked only for the patterns that need
them (start-of-match tracking roughly doubles the scan time).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import hyperscan

from router.phi.recognizers.base import Hit, Pattern

_NON_ASCII = r"[^\x00-\x7f]"  # compiled on first use by `re`'s cache


def _ascii_stand_in(match: re.Match[str]) -> str:
    char = match.group()
    if char.isalpha():
        return "A" if char.isupper() else "a"
    return "0" if char.isdigit() else "?"


def project_to_ascii(text: str) -> bytes:
    """One byte per character, so that byte offsets are character offsets.

    Letters stay letters (case kept) and digits stay digits, so word boundaries and
    capitalisation still hold; recognizers verify candidates on the real text.
    """
    if text.isascii():
        return text.encode("ascii")
    return re.sub(_NON_ASCII, _ascii_stand_in, text).encode("ascii")


@dataclass(frozen=True, slots=True)
class _PatternRef:
    owner: int
    tag: str
    tracks_start: bool


class Scanner:
    """Compiled patterns of several owners; `scan` returns each owner's hits."""

    def __init__(self, patterns_by_owner: Sequence[Sequence[Pattern]]) -> None:
        refs: list[_PatternRef] = []
        expressions: list[bytes] = []
        flags: list[int] = []
        for owner, patterns in enumerate(patterns_by_owner):
            for pattern in patterns:
                refs.append(_PatternRef(owner, pattern.tag, _tracks_start(pattern)))
                expressions.append(pattern.regex.encode("ascii"))
                flags.append(_flags_of(pattern))
        self._refs = tuple(refs)
        self._owner_count = len(patterns_by_owner)
        self._database = hyperscan.Database()
        self._database.compile(
            expressions=expressions,
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=flags,
        )
        # Scratch space is per thread: the scanner is shared by all requests.
        self._local = threading.local()

    def _scratch(self) -> hyperscan.Scratch:
        scratch: hyperscan.Scratch | None = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = hyperscan.Scratch(self._database)
            self._local.scratch = scratch
        return scratch

    def scan(self, text: str) -> list[list[Hit]]:
        hits: list[list[Hit]] = [[] for _ in range(self._owner_count)]
        if not text:
            return hits
        raw: list[tuple[int, int, int]] = []
        self._database.scan(
            project_to_ascii(text),
            match_event_handler=_collect,
            context=raw,
            scratch=self._scratch(),
        )
        refs = self._refs
        for pattern_id, start, end in raw:
            ref = refs[pattern_id]
            # Without start tracking, Hyperscan reports 0: the owner only needs the end.
            hits[ref.owner].append(Hit(ref.tag, start if ref.tracks_start else end, end))
        return hits


def _collect(pattern_id: int, start: int, end: int, _flags: int, raw: object) -> None:
    raw.append((pattern_id, start, end))  # type: ignore[attr-defined]


def _tracks_start(pattern: Pattern) -> bool:
    return pattern.max_length > 0 and not pattern.first_only


def _flags_of(pattern: Pattern) -> int:
    # Start-of-match tracking doubles the scan time (measured), so only the patterns whose
    # owner needs a start pay for it; cue words and clinical terms do not.
    flags = hyperscan.HS_FLAG_SOM_LEFTMOST if _tracks_start(pattern) else 0
    if pattern.caseless:
        flags |= hyperscan.HS_FLAG_CASELESS
    if pattern.first_only:
        flags |= hyperscan.HS_FLAG_SINGLEMATCH
    return flags
