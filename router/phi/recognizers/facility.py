"""Hospital, clinic and facility names: "Mercy General Hospital", "St. Mary's Medical
Center", "UCSF Benioff Children's Hospital". A named facility narrows down where a
patient was treated, so it is reported as a location.
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
    late_starts,
    longest_per_start,
)

_KINDS = (
    "Hospital|Medical Center|Medical Centre|Clinic|Health Center|Health Centre|Health System|"
    "Healthcare|Infirmary|Nursing Home|Nursing Facility|Rehabilitation Center|Rehab Center|"
    "Hospice|Urgent Care|Surgery Center|Surgical Center|Cancer Center|Care Center|"
    "Behavioral Health|Psychiatric Center|Memorial|Sanatorium|Dialysis Center|"
    "Skilled Nursing|Assisted Living|Senior Living|Pharmacy"
)
_WORD = r"(?:[A-Z][A-Za-z.'\-]*|of|the|and|&)"
# Department words: "the Cardiology Clinic" names a service, not a place.
DEPARTMENT_WORDS = (
    "cardiology|oncology|diabetes|pediatric|pediatrics|family|primary|care|women's|walk-in|"
    "urgent|eye|dental|main|general|community|the|our|your|outpatient|inpatient|medicine|"
    "surgery|orthopedic|orthopedics|dermatology|neurology|endocrine|endocrinology|sleep|pain|"
    "wound|vein|heart|cancer|kidney|lung|allergy|fertility|travel|flu|vaccine|covid|lab|"
    "imaging|radiology|mental|health|behavioral|rehab|physical|therapy|infusion|pharmacy|a|an"
)
_LEADING_NOISE = "at|to|from|in|the|and|of|with|by|for|our|your|a|an|is|was|this|that"


class FacilityRecognizer(Recognizer):
    name = "facility"

    def __init__(self) -> None:
        self._leading_noise = re.compile(rf"(?:(?:{_LEADING_NOISE})\s+)+", re.IGNORECASE)
        self._generic = frozenset(DEPARTMENT_WORDS.split("|"))
        self._kinds = frozenset(word.lower() for kind in _KINDS.split("|") for word in kind.split())

    def patterns(self) -> Sequence[Pattern]:
        # Facility names are rare: starts found by a second scan (`late_start`).
        return late_starts(self._patterns())

    def _patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "named",
                rf"\b[A-Z][A-Za-z.'\-]*(?:\s+{_WORD}){{0,5}}\s+(?:{_KINDS})\b",
            ),
            Pattern("saint", r"\bSt\.?\s+[A-Z][a-z]+(?:'s)?(?:\s+[A-Z][a-z]+){0,3}"),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        # Nested and equal hits are all judged: overlaps of one type merge later.
        for hit in longest_per_start(hits):
            segment = text[hit.start : hit.end]
            noise = self._leading_noise.match(segment)
            start = hit.start + (noise.end() if noise else 0)
            if start >= hit.end or not text[start].isupper():
                continue
            if hit.tag == "saint" and not self._is_facility_context(text, hit.end):
                continue
            if hit.tag == "named" and not self._has_proper_name(text[start : hit.end]):
                continue
            confidence = 0.8 if hit.tag == "named" else 0.65
            yield Candidate(EntityType.LOCATION, start, hit.end, confidence, self.name)

    def _has_proper_name(self, value: str) -> bool:
        words = value.lower().split()
        return any(word not in self._generic and word not in self._kinds for word in words)

    @staticmethod
    def _is_facility_context(text: str, end: int) -> bool:
        # "St. Jude" alone could be a saint; "St. Jude's" or "St. Mary's Hospital" is a place.
        return text[end - 2 : end] == "'s" or text[end : end + 12].lower().startswith(" hosp")
