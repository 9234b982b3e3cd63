"""Email addresses."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.recognizers.base import Candidate, Hit, Pattern, Recognizer, longest_per_start


class EmailRecognizer(Recognizer):
    name = "email"

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "email",
                r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
                r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b",
                late_start=True,  # the costliest pattern to track starts for, measured
            ),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        reach = -1
        for hit in longest_per_start(hits):
            # Hyperscan also reports the shorter local parts inside the same address.
            if hit.end <= reach:
                continue
            reach = hit.end
            yield Candidate(EntityType.EMAIL, hit.start, hit.end, 0.99, self.name)
