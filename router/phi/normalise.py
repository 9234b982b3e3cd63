"""Normalisation before matching, with a map back to offsets in the original text.

Evasions must not pass: Unicode compatibility forms (full-width digits, ligatures) are folded
with NFKC, digits of other scripts become ASCII digits, invisible characters are dropped,
look-alike letters of other scripts in spoofed words are folded to ASCII
(router/phi/confusables.py), and digits spelled out one by one with spaces or dots
("1 2 3-4 5-6 7 8 9") are joined. Every detection is made on the normalised text
and reported in original offsets, so a replacement always covers what the client sent.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from router.phi.confusables import ConfusableFolder

# Pattern strings, compiled on first use by `re`'s own cache (nothing is done at import).
_NON_ASCII = r"[^\x00-\x7f]"
# A run of at least five single digits, each separated by one space, dot or a hyphen.
_SPACED_DIGITS = r"(?<![\w.])\d(?:(?:[ .]|[ ]?-[ ]?)\d(?!\d)){4,}(?![\w])"
_SPACED_SEPARATOR = r"[ .]"
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Mn", "Me"})
_KEPT_CONTROLS = frozenset("\t\n\r")


@dataclass(frozen=True, slots=True)
class _Piece:
    """A stretch of normalised text: either copied from the original or a replacement."""

    norm_start: int
    orig_start: int
    orig_end: int
    copied: bool


class OffsetMap:
    """Maps spans of a rewritten text back to the text it was rewritten from."""

    __slots__ = ("_pieces", "_starts")

    def __init__(self, pieces: list[_Piece]) -> None:
        self._pieces = pieces
        self._starts = [piece.norm_start for piece in pieces]

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        if not self._pieces:
            return start, end
        first = self._pieces[bisect.bisect_right(self._starts, start) - 1]
        last = self._pieces[bisect.bisect_right(self._starts, max(start, end - 1)) - 1]
        source_start = (
            first.orig_start + (start - first.norm_start) if first.copied else first.orig_start
        )
        source_end = last.orig_start + (end - last.norm_start) if last.copied else last.orig_end
        return source_start, max(source_start, source_end)


def _rewrite(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    """Apply sorted, non-overlapping (start, end, replacement) edits and keep the offset map."""
    pieces: list[_Piece] = []
    parts: list[str] = []
    cursor = 0
    length = 0
    for start, end, replacement in edits:
        if start > cursor:
            pieces.append(_Piece(length, cursor, start, copied=True))
            parts.append(text[cursor:start])
            length += start - cursor
        if replacement:
            pieces.append(_Piece(length, start, end, copied=False))
            parts.append(replacement)
            length += len(replacement)
        cursor = end
    if cursor < len(text) or not pieces:
        pieces.append(_Piece(length, cursor, len(text), copied=True))
        parts.append(text[cursor:])
    return "".join(parts), OffsetMap(pieces)


def _unicode_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    for match in re.finditer(_NON_ASCII, text):
        char = match.group()
        category = unicodedata.category(char)
        if category in _INVISIBLE_CATEGORIES and char not in _KEPT_CONTROLS:
            edits.append((match.start(), match.end(), ""))
            continue
        folded = unicodedata.normalize("NFKC", char)
        if category == "Nd" and folded == char:
            folded = str(unicodedata.digit(char))  # "٣" (Arabic-Indic three) -> "3"
        if folded != char:
            edits.append((match.start(), match.end(), folded))
    return edits


def _spaced_digit_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    for run in re.finditer(_SPACED_DIGITS, text):
        if not re.search(_SPACED_SEPARATOR, run.group()):
            continue
        for separator in re.finditer(_SPACED_SEPARATOR, run.group()):
            position = run.start() + separator.start()
            edits.append((position, position + 1, ""))
    return edits


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """The text that recognizers see, and how to get back to the client's offsets."""

    original: str
    text: str
    maps: tuple[OffsetMap, ...]

    @classmethod
    def of(cls, original: str, confusables: ConfusableFolder | None = None) -> NormalisedText:
        """Unicode folding only: cheap, and a no-op for ASCII text."""
        text = original
        maps: list[OffsetMap] = []
        if not text.isascii():
            edits = _unicode_edits(text)
            if edits:
                text, offset_map = _rewrite(text, edits)
                maps.append(offset_map)
            if confusables is not None:
                text = confusables.fold(text)  # one character for one: offsets stay
        return cls(original=original, text=text, maps=tuple(maps))

    def with_spaced_digits_joined(self) -> NormalisedText:
        """Also join spelled-out digits; the scanner tells when this is worth doing."""
        edits = _spaced_digit_edits(self.text)
        if not edits:
            return self
        text, offset_map = _rewrite(self.text, edits)
        return NormalisedText(self.original, text, (*self.maps, offset_map))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        for offset_map in reversed(self.maps):
            start, end = offset_map.to_source(start, end)
        return start, end


# A Hyperscan pattern for the scan to report text that has spelled-out digits.
SPACED_DIGITS_HINT = r"\d[ .]\d[ .\-] ?\d"
