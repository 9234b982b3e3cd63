"""Medical record numbers: after a cue (MRN, MR#, medical record, chart, patient ID), and the
letter-and-digit shapes hospitals use even without a cue ("12345-JS", "UCSF-12345").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import Candidate, CueValueRecognizer, Hit, Pattern


class MrnRecognizer(CueValueRecognizer):
    name = "mrn"
    entity_type = EntityType.MRN
    cues = (
        "mrn",
        r"mr\s?#",
        r"mr\s?no",
        r"med(ical)?\s+rec(ord)?s?(\s+(number|no|num|#))?",
        r"record\s+(number|no|#)",
        r"chart(\s+(number|no|#|id))?",
        r"patient\s+(id|identifier|number|no|#)",
        r"pt\s+(id|#|no)",
        r"hospital\s+(number|no|#|id)",
        r"unit\s+(number|no)",
        r"emr(\s+(id|#|number))?",
        r"ehr(\s+(id|#|number))?",
    )

    def extra_patterns(self) -> Sequence[Pattern]:
        return (
            # "UCSF-12345", "MRN12345678" (letters glued to digits), "12345-JS"
            Pattern("shape", r"\b[A-Z]{2,6}-\d{4,10}\b", max_length=20),
            Pattern("shape", r"\b\d{4,10}-[A-Z]{1,4}\b", max_length=20),
            Pattern("glued", r"\bMRN?\d{4,12}\b", caseless=True, max_length=20),
        )

    def recognize_extra(self, text: str, hit: Hit) -> Iterator[Candidate]:
        confidence = 0.9 if hit.tag == "glued" else 0.85
        yield Candidate(EntityType.MRN, hit.start, hit.end, confidence, self.name)
