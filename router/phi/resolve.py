"""Overlapping candidates: keep the best-supported one for each stretch of text."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import Candidate
from router.phi.recognizers.date import UNANCHORED_CONFIDENCE

# When two candidates are equally confident, the more specific type wins.
_SPECIFICITY = {
    EntityType.SSN: 9,
    EntityType.EMAIL: 9,
    EntityType.PHOTO: 9,
    EntityType.IP_ADDRESS: 8,
    EntityType.MRN: 8,
    EntityType.HEALTH_PLAN_ID: 8,
    EntityType.DEVICE_ID: 7,
    EntityType.VEHICLE_ID: 7,
    EntityType.LICENSE_NUMBER: 7,
    EntityType.ACCOUNT_NUMBER: 7,
    EntityType.BIOMETRIC_ID: 7,
    EntityType.FAX: 6,
    EntityType.PHONE: 6,
    EntityType.DATE: 6,
    EntityType.AGE_OVER_89: 6,
    EntityType.URL: 5,
    EntityType.NAME: 4,
    EntityType.LOCATION: 4,
    EntityType.OTHER_ID: 1,
}
_NEGATED_SPECIFICITY = {kind: -value for kind, value in _SPECIFICITY.items()}
_DATE = EntityType.DATE
# What an unanchored date becomes next to another identifier.
_ANCHORED_CONFIDENCE = 0.8
# Builds a named tuple without its Python-level __new__ (the fields are given in order).
_new_tuple = tuple.__new__


def anchor_dates(candidates: Sequence[Candidate], min_confidence: float) -> list[Candidate]:
    """A date next to another identifier is an element of that person's record."""
    # Fields by position and members from module constants: hundreds of candidates a
    # request, and a named tuple's attribute or an enum class's member costs several
    # times an index.
    for candidate in candidates:
        if candidate[0] is not _DATE and candidate[3] >= min_confidence:
            break
    else:
        return list(candidates)
    return [
        _new_tuple(Candidate, (_DATE, c[1], c[2], _ANCHORED_CONFIDENCE, c[4]))
        if c[0] is _DATE and c[3] == UNANCHORED_CONFIDENCE
        else c
        for c in candidates
    ]


def merge_same_type(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Overlapping candidates of one type become their union ("5049" + "Harjukuja 54")."""
    merged: list[Candidate] = []
    previous_type: EntityType | None = None
    previous_end = 0
    for candidate in sorted(candidates, key=_type_start_longest):
        kind, start, end, confidence, _ = candidate
        if kind == previous_type and start < previous_end:
            previous = merged[-1]
            previous_end = max(previous_end, end)
            merged[-1] = _new_tuple(
                Candidate,
                (kind, previous[1], previous_end, max(previous[3], confidence), previous[4]),
            )
            continue
        merged.append(candidate)
        previous_type, previous_end = kind, end
    return merged


def resolve_overlaps(candidates: Sequence[Candidate], min_confidence: float) -> list[Candidate]:
    """Same-type overlaps merge; then greedy: most confident, longest, most specific first."""
    confident = [
        candidate
        for candidate in anchor_dates(candidates, min_confidence)
        if candidate[3] >= min_confidence
    ]
    if not confident:
        return []
    ranked = sorted(merge_same_type(confident), key=_rank)
    # What is kept never overlaps itself, so sorted by start it is sorted by end too, and
    # the kept spans a candidate overlaps are one slice, found by bisection.
    kept: list[Candidate] = []
    starts: list[int] = []
    ends: list[int] = []
    for candidate in ranked:
        start = candidate[1]
        end = candidate[2]
        if end <= start:
            continue
        first = bisect.bisect_right(ends, start)  # the first ending after its start
        after = bisect.bisect_left(starts, end, first)  # the first starting at its end
        if first == after:  # the common case: nothing kept overlaps it
            kept.insert(first, candidate)
            starts.insert(first, start)
            ends.insert(first, end)
            continue
        if not all(_strictly_covers(candidate, other) for other in kept[first:after]):
            continue
        # A longer span that covers what was kept replaces it: nothing is left uncovered.
        kept[first:after] = [candidate]
        starts[first:after] = [start]
        ends[first:after] = [end]
    return kept


def _type_start_longest(c: Candidate) -> tuple[str, int, int]:
    return (c[0], c[1], -c[2])


def _rank(c: Candidate) -> tuple[float, int, int, int]:
    return (-c[3], c[1] - c[2], _NEGATED_SPECIFICITY[c[0]], c[1])


def _strictly_covers(outer: Candidate, inner: Candidate) -> bool:
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.end - outer.start) > (inner.end - inner.start)
    )
