"""Device identifiers and serial numbers: serial/UDI/IMEI cues, MAC addresses, GS1 UDIs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import Candidate, CueValueRecognizer, Hit, Pattern, late_starts


class DeviceRecognizer(CueValueRecognizer):
    name = "device"
    entity_type = EntityType.DEVICE_ID
    cues = (
        r"serial(\s+(number|no|num|#))?",
        "s/n",
        r"sn\s?#?",
        r"device(\s+(id|identifier|serial|number|no|#))?",
        "udi",
        "imei",
        "meid",
        r"implant(\s+(id|serial|number))",
        r"(pacemaker|icd|pump|cgm|monitor|sensor|transmitter)\s+(id|serial|sn|s/n|number)",
        r"mac\s+address",
    )
    min_digits = 2

    def extra_patterns(self) -> Sequence[Pattern]:
        # MAC addresses and UDIs are rare: starts found by a second scan (`late_start`).
        return late_starts(
            (
                Pattern("mac", r"\b[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}\b"),
                Pattern("udi", r"\(01\)\d{14}(?:\(\d{2}\)[A-Za-z0-9]{1,20}){0,4}"),
            )
        )

    def recognize_extra(self, text: str, hit: Hit) -> Iterator[Candidate]:
        yield Candidate(EntityType.DEVICE_ID, hit.start, hit.end, 0.9, self.name)
