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


def anchor_dates(candidates: Sequence[Candidate], min_confidence: float) -> list[Candidate]:
    """A date next to another identifier is an element of that person's record."""
    anchored = any(
        c.type is not EntityType.DATE and c.confidence >= min_confidence for c in candidates
    )
    if not anchored:
        return list(candidates)
    return [
        Candidate(c.type, c.start, c.end, 0.8, c.recognizer)
        if c.type is EntityType.DATE and c.confidence == UNANCHORED_CONFIDENCE
        else c
        for c in candidates
    ]


def merge_same_type(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Overlapping candidates of one type become their union ("5049" + "Harjukuja 54")."""
    merged: list[Candidate] = []
    previous: Candidate | None = None
    for candidate in sorted(candidates, key=_type_start_longest):
        if (
            previous is not None
            and previous.type == candidate.type
            and candidate.start < previous.end
        ):
            previous = merged[-1] = Candidate(
                previous.type,
                previous.start,
                max(previous.end, candidate.end),
                max(previous.confidence, candidate.confidence),
                previous.recognizer,
            )
            continue
        merged.append(candidate)
        previous = candidate
    return merged


def resolve_overlaps(candidates: Sequence[Candidate], min_confidence: float) -> list[Candidate]:
    """Same-type overlaps merge; then greedy: most confident, longest, most specific first."""
    confident = [
        candidate
        for candidate in anchor_dates(candidates, min_confidence)
        if candidate.confidence >= min_confidence
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
        start, end = candidate.start, candidate.end
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
    return (c.type, c.start, -c.end)


def _rank(c: Candidate) -> tuple[float, int, int, int]:
    return (-c.confidence, c.start - c.end, -_SPECIFICITY[c.type], c.start)


def _strictly_covers(outer: Candidate, inner: Candidate) -> bool:
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.end - outer.start) > (inner.end - inner.start)
    )
