"""IPv4 and IPv6 addresses."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import (
    Candidate,
    Hit,
    Pattern,
    Recognizer,
    drop_nested,
    longest_per_start,
)

_HEX = "[0-9A-Fa-f]{1,4}"


class IpAddressRecognizer(Recognizer):
    name = "ip_address"

    def patterns(self) -> Sequence[Pattern]:
        return (
            # Costly to track starts for in the main pass (measured), and rare: found late.
            Pattern(
                "v4", r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", max_length=45, late_start=True
            ),
            Pattern("v6", rf"\b(?:{_HEX}:){{7}}{_HEX}\b", max_length=45, late_start=True),
            Pattern(
                "v6",
                rf"(?:\b(?:{_HEX}:){{1,6}}|::)(?::{_HEX}){{1,6}}\b",
                max_length=45,
                late_start=True,
            ),
            Pattern("v6", rf"\b(?:{_HEX}:){{1,7}}:", max_length=45, late_start=True),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in drop_nested(longest_per_start(hits)):
            value = text[hit.start : hit.end]
            try:
                address = ipaddress.ip_address(value)
            except ValueError:
                continue
            if hit.tag == "v6" and value.count(":") < 2:
                continue
            confidence = 0.95 if address.version == 4 else 0.9
            yield Candidate(EntityType.IP_ADDRESS, hit.start, hit.end, confidence, self.name)
