"""Any other unique identifying number or code: values after a generic ID cue (case,
accession, specimen, encounter, reference numbers) and long bare digit runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import Candidate, CueValueRecognizer, Hit, Pattern


class OtherIdRecognizer(CueValueRecognizer):
    name = "other_id"
    entity_type = EntityType.OTHER_ID
    cues = (
        r"id",
        "identifier",
        r"(case|ref|reference|ticket|confirmation|order|accession|specimen|sample|requisition)"
        r"(\s+(id|number|no|#))?",
        r"(encounter|visit|episode|csn|admission|booking|tracking)\s+(id|number|no|#)",
        "csn",
        r"employee\s+(id|number|no|#)",
        r"student\s+(id|number|no|#)",
    )
    min_digits = 3
    cue_confidence = 0.8

    def extra_patterns(self) -> Sequence[Pattern]:
        return (Pattern("digits", r"\b\d{7,20}\b"),)

    def recognize_extra(self, text: str, hit: Hit) -> Iterator[Candidate]:
        # A long digit run is rarely a measurement; other recognizers may claim it first.
        yield Candidate(EntityType.OTHER_ID, hit.start, hit.end, 0.6, self.name)
