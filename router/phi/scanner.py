"""One pass of a multi-pattern engine (Hyperscan) over a text, for every recognizer at once.

Python's `re` walks the text once per pattern: the same ~80 patterns cost about 40 ms for a
2,000-token request (measured by benchmarks/phi_eval.py). Hyperscan compiles them all into
one automaton and reports every match in a single pass (~0.3-1 ms); recognizers then verify
the few candidates in Python. Start offsets are tracked only for the patterns that need
them (start-of-match tracking roughly triples the scan time), and for a few costly, rarely
matching patterns (`Pattern.late_start`) by a second scan of that pattern alone, only over
texts where it matched.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import hyperscan

from router.phi.recognizers.base import Hit, Pattern

_NON_ASCII = r"[^\x00-\x7f]"  # compiled on first use by `re`'s cache
# Builds a named tuple without its Python-level __new__: a hit per match adds up.
_new_tuple = tuple.__new__
# A hit's end, read in C (a sort key called per hit).
_end = itemgetter(2)


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
    # The pattern alone, with start tracking, when its starts are found by a second scan.
    late: hyperscan.Database | None


class Scanner:
    """Compiled patterns of several owners; `scan` returns each owner's hits."""

    def __init__(self, patterns_by_owner: Sequence[Sequence[Pattern]]) -> None:
        refs: list[_PatternRef] = []
        expressions: list[bytes] = []
        flags: list[int] = []
        for owner, patterns in enumerate(patterns_by_owner):
            for pattern in patterns:
                expression = pattern.regex.encode("ascii")
                tracks = _tracks_start(pattern)
                late = tracks and pattern.late_start
                single = _compile([expression], [_flags_of(pattern, som=True)]) if late else None
                refs.append(_PatternRef(owner, pattern.tag, tracks and not late, single))
                expressions.append(expression)
                flags.append(_flags_of(pattern, som=tracks and not late))
        self._refs = tuple(refs)
        # Per pattern id, what a match callback needs, as a plain tuple (fastest to unpack).
        self._routes = tuple(
            (ref.owner, ref.tag, ref.tracks_start, ref.late is not None) for ref in refs
        )
        self._owner_count = len(patterns_by_owner)
        self._database = _compile(expressions, flags)
        # Scratch space is per thread: the scanner is shared by all requests.
        self._local = threading.local()

    def _scratches(self) -> list[hyperscan.Scratch | None]:
        """This thread's scratch spaces: the main pass's, then one per late-start pattern."""
        scratches: list[hyperscan.Scratch | None] | None = getattr(self._local, "scratches", None)
        if scratches is None:
            scratches = [hyperscan.Scratch(self._database)]
            scratches += [
                None if ref.late is None else hyperscan.Scratch(ref.late) for ref in self._refs
            ]
            self._local.scratches = scratches
        return scratches

    def scan(self, text: str) -> list[list[Hit]]:
        hits: list[list[Hit]] = [[] for _ in range(self._owner_count)]
        if not text:
            return hits
        data = project_to_ascii(text)
        scratches = self._scratches()
        routes = self._routes
        late_ends: dict[int, int] = {}  # late-start pattern id -> its last end

        # Each match goes straight to its owner's list: hundreds of matches a request, and
        # one Python call per match is the floor (an intermediate list doubled the cost).
        def on_match(pattern_id: int, start: int, end: int, _flags: int, _context: object) -> None:
            owner, tag, tracks_start, late = routes[pattern_id]
            if late:
                late_ends[pattern_id] = max(end, late_ends.get(pattern_id, end))
            else:
                # Without start tracking, Hyperscan reports 0: the owner only needs the end.
                hits[owner].append(_new_tuple(Hit, (tag, start if tracks_start else end, end)))

        self._database.scan(data, match_event_handler=on_match, scratch=scratches[0])
        refs = self._refs
        for pattern_id, last_end in late_ends.items():
            ref = refs[pattern_id]
            owner_hits = hits[ref.owner]
            owner_hits.extend(_late_hits(ref, data, last_end, scratches[pattern_id + 1]))
            owner_hits.sort(key=_end)  # stable: the main pass's order otherwise
        return hits


def _late_hits(
    ref: _PatternRef, data: bytes, last_end: int, scratch: hyperscan.Scratch | None
) -> list[Hit]:
    """Every match of one pattern ending at or before `last_end`, with its leftmost start."""
    assert ref.late is not None
    # One character past the last end keeps a final word boundary as the main pass saw it;
    # a match ending on that extra character is not a match of the whole text: dropped.
    limit = min(len(data), last_end + 1)
    found: list[tuple[int, int, int]] = []
    ref.late.scan(data[:limit], match_event_handler=_collect, context=found, scratch=scratch)
    tag = ref.tag
    return [_new_tuple(Hit, (tag, start, end)) for _, start, end in found if end <= last_end]


def _compile(expressions: list[bytes], flags: list[int]) -> hyperscan.Database:
    database = hyperscan.Database()
    database.compile(
        expressions=expressions,
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=flags,
    )
    return database


def _collect(pattern_id: int, start: int, end: int, _flags: int, raw: object) -> None:
    raw.append((pattern_id, start, end))  # type: ignore[attr-defined]


def _tracks_start(pattern: Pattern) -> bool:
    return pattern.max_length > 0 and not pattern.first_only


def _flags_of(pattern: Pattern, *, som: bool) -> int:
    # Start-of-match tracking is costly (measured), so only the patterns whose owner needs
    # a start pay for it; cue words and clinical terms do not.
    flags = hyperscan.HS_FLAG_SOM_LEFTMOST if som else 0
    if pattern.caseless:
        flags |= hyperscan.HS_FLAG_CASELESS
    if pattern.first_only:
        flags |= hyperscan.HS_FLAG_SINGLEMATCH
    return flags
