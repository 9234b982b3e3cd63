"""Web addresses: with a scheme, starting with www., or a bare domain name."""

from __future__ import annotations

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

_TRAILING_PUNCTUATION = ".,;:!?)]}'\""
_TLDS = (
    "com|org|net|edu|gov|mil|int|io|info|biz|co|us|uk|de|fr|nl|be|ch|at|it|es|pt|se|no|dk|fi|"
    "is|ie|pl|cz|hu|gr|ca|au|nz|za|br|mx|jp|cn|in|ru|eu|health|care|app|dev|me|tv|ly|ai"
)
_LABEL = r"[A-Za-z0-9][A-Za-z0-9\-]*"
_RUN = r"[^\s<>\"'`]+(?:[\s<>\"'`]|$)"
_RUN_END = " \t\n\r\f\v<>\"'`"


class UrlRecognizer(Recognizer):
    name = "url"

    def patterns(self) -> Sequence[Pattern]:
        return (
            # Up to the character that ends the address (or the end of the text): one
            # match per address, rather than one at every character of it.
            Pattern("scheme", rf"\b(?:https?|ftp|sftp)://{_RUN}", caseless=True),
            Pattern("www", rf"\bwww\.{_RUN}", caseless=True),
            Pattern("domain", rf"\b{_LABEL}(?:\.{_LABEL})*\.(?:{_TLDS})\b(?:/[^\s<>\"'`]*)?"),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        for hit in drop_nested(longest_per_start(hits)):
            end = hit.end
            if hit.tag != "domain" and text[end - 1] in _RUN_END:
                end -= 1  # the character that ended the address
            while end > hit.start and text[end - 1] in _TRAILING_PUNCTUATION:
                end -= 1
            if hit.tag == "domain" and self._is_not_a_domain(text, hit.start, end):
                continue
            confidence = 0.95 if hit.tag != "domain" else 0.8
            yield Candidate(EntityType.URL, hit.start, end, confidence, self.name)

    @staticmethod
    def _is_not_a_domain(text: str, start: int, end: int) -> bool:
        # Part of an email address (the email recognizer owns it), or "e.g."-like text.
        if start > 0 and text[start - 1] in "@.":
            return True
        return end + 1 < len(text) and text[end] == "@"
