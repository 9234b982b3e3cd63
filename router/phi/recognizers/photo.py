"""Full-face photographs embedded in text as data: URIs. (Image content parts of a chat
request are counted by the classifier itself.)
"""

from __future__ import annotations

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


class PhotoRecognizer(Recognizer):
    name = "photo"

    def patterns(self) -> Sequence[Pattern]:
        # Inline images are rare: starts found by a second scan (`late_start`).
        return late_starts(self._patterns())

    def _patterns(self) -> Sequence[Pattern]:
        return (
            Pattern(
                "data_uri",
                r"data:image/[A-Za-z0-9.+\-]+(?:;[A-Za-z0-9=.\-]+)*;base64,[A-Za-z0-9+/=]{16,}",
                caseless=True,
            ),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        reach = -1
        for hit in longest_per_start(hits):
            if hit.end <= reach:
                continue
            reach = hit.end
            yield Candidate(EntityType.PHOTO, hit.start, hit.end, 0.9, self.name)
