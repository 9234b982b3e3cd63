"""Health plan beneficiary numbers: member, subscriber, policy and group IDs, Medicaid and
Medicare numbers, and the Medicare Beneficiary Identifier (MBI) shape without a cue.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import Candidate, CueValueRecognizer, Hit, Pattern

# MBI: 11 characters; positions 2, 5, 8, 9 letters (no S, L, O, I, B, Z).
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"
_MBI_ALNUM = "[AC-HJKMNP-RT-Y0-9]"


class HealthPlanRecognizer(CueValueRecognizer):
    name = "health_plan"
    entity_type = EntityType.HEALTH_PLAN_ID
    cues = (
        r"member(ship)?(\s+(id|number|no|#))?",
        r"subscriber(\s+(id|number|no|#))?",
        r"policy(\s+(id|number|no|#))?",
        r"group(\s+(id|number|no|#))",
        r"insurance(\s+(id|number|no|#|card))?",
        r"plan\s+(id|number|no|#)",
        r"beneficiary(\s+(id|number|no|#))?",
        r"medicaid(\s+(id|number|no|#))?",
        r"medicare(\s+(id|number|no|#))?",
        "mbi",
        "hicn",
        r"(bcbs|aetna|cigna|humana|kaiser|unitedhealthcare|uhc|anthem)(\s+(id|number|no|#))?",
    )
    min_digits = 3

    def extra_patterns(self) -> Sequence[Pattern]:
        mbi = (
            f"[1-9]{_MBI_LETTER}{_MBI_ALNUM}[0-9]-?{_MBI_LETTER}{_MBI_ALNUM}[0-9]-?"
            f"{_MBI_LETTER}{_MBI_LETTER}[0-9][0-9]"
        )
        return (Pattern("mbi", rf"\b{mbi}\b", late_start=True),)  # rare: start found late

    def recognize_extra(self, text: str, hit: Hit) -> Iterator[Candidate]:
        yield Candidate(EntityType.HEALTH_PLAN_ID, hit.start, hit.end, 0.85, self.name)
