"""Scoring of detections against labelled spans (see phi_eval.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from router.phi import Classification
from router.tiers import Tier


@dataclass(frozen=True)
class Labelled:
    text: str
    spans: tuple[tuple[int, int, str], ...]  # Safe Harbor spans to find
    neutral: tuple[tuple[int, int], ...]  # labelled non-PHI (organisations, cards)
    tier: Tier | None  # expected tier, when the set defines one
    category: str


@dataclass
class Scores:
    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    true_detections: Counter[str] = field(default_factory=Counter)
    detections: Counter[str] = field(default_factory=Counter)
    texts_with_ids: int = 0
    texts_all_found: int = 0
    texts_without_ids: int = 0
    texts_untouched: int = 0
    tier_total: int = 0
    tier_correct: int = 0
    phi_as_non_phi: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses_by_category: Counter[str] = field(default_factory=Counter)

    def add(self, sample: Labelled, result: Classification) -> None:
        detected = [(e.start, e.end, e.type.value) for e in result.entities if e.end > e.start]
        covered = _covered_positions(detected)
        all_found = True
        for start, end, kind in sample.spans:
            self.total[kind] += 1
            if all(p in covered for p in range(start, end) if not sample.text[p].isspace()):
                self.found[kind] += 1
            else:
                all_found = False
                self.misses_by_category[sample.category] += 1
        for start, end, kind in detected:
            self.detections[kind] += 1
            if _overlaps_any(start, end, sample.spans) or _overlaps_any(
                start, end, [(s, e, "") for s, e in sample.neutral]
            ):
                self.true_detections[kind] += 1
        if sample.spans:
            self.texts_with_ids += 1
            self.texts_all_found += all_found
        else:
            self.texts_without_ids += 1
            self.texts_untouched += not _overlapping_outside_neutral(detected, sample.neutral)
        self._add_tier(sample, result.tier)

    def _add_tier(self, sample: Labelled, detected: Tier) -> None:
        expected = sample.tier
        if expected is None:
            # Sets without tier labels are scored on "carries PHI or not".
            expected_phi = bool(sample.spans)
            correct = expected_phi == detected.carries_phi
            self.confusion[("phi" if expected_phi else "non_phi", detected.value)] += 1
        else:
            correct = expected is detected
            expected_phi = expected.carries_phi
            self.confusion[(expected.value, detected.value)] += 1
        self.tier_total += 1
        self.tier_correct += correct
        if expected_phi and detected is Tier.NON_PHI:
            self.phi_as_non_phi += 1


def _covered_positions(detected: Sequence[tuple[int, int, str]]) -> set[int]:
    return {position for start, end, _ in detected for position in range(start, end)}


def _overlaps_any(start: int, end: int, spans: Sequence[tuple[int, int, str]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end, _ in spans)


def _overlapping_outside_neutral(
    detected: Sequence[tuple[int, int, str]], neutral: Sequence[tuple[int, int]]
) -> bool:
    return any(
        not _overlaps_any(start, end, [(s, e, "") for s, e in neutral])
        for start, end, _ in detected
    )
