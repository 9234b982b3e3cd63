"""Vehicle identifiers: VINs (17 characters, no I, O or Q) and licence plates after a cue."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import Candidate, CueValueRecognizer, Hit, Pattern


class VehicleRecognizer(CueValueRecognizer):
    name = "vehicle"
    entity_type = EntityType.VEHICLE_ID
    cues = (
        r"(licen[cs]e\s+)?plate(\s+(number|no|#))?",
        r"tag\s+(number|no|#)",
        "vin",
        r"vehicle(\s+(id|identification|number|no|#))?",
    )
    min_digits = 1
    cue_confidence = 0.9
    # Plates have groups: "SOQ 848", "80W 6487", "7M 3H2ABP".
    value_pattern = (
        r"[\s:#.=\-]{0,4}(?:(?:number|no|is)\b\.?[\s:#.=\-]{0,3}){0,2}"
        r"(?P<value>[A-Z0-9]{1,8}(?:[ \-][A-Z0-9]{1,8}){0,2}\b)"
    )

    def extra_patterns(self) -> Sequence[Pattern]:
        return (Pattern("vin", r"\b[A-HJ-NPR-Z0-9]{17}\b", max_length=17),)

    def recognize_extra(self, text: str, hit: Hit) -> Iterator[Candidate]:
        value = text[hit.start : hit.end]
        digits = sum(char.isdigit() for char in value)
        if 3 <= digits <= 15:
            yield Candidate(EntityType.VEHICLE_ID, hit.start, hit.end, 0.8, self.name)
