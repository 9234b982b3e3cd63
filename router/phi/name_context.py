"""Where a word stands in the text: the context checks of the name recognizer."""

from __future__ import annotations

from typing import Protocol, TypeVar

_INTRODUCTIONS = ("name is", "named", "call me", "calls me", "i am", "i'm")


def introduces_name(text: str, cue_end: int) -> bool:
    """ "my name is", "call me": what follows is a name even in lower case."""
    return text[max(0, cue_end - 8) : cue_end].lower().endswith(_INTRODUCTIONS)


def glued_to_digits(text: str, start: int, end: int) -> bool:
    """ "SpO2", "3Hb": a word glued to digits is part of a code."""
    return text[end : end + 1].isdigit() or (start > 0 and text[start - 1].isdigit())


def bare_middle_initial(text: str, start: int, end: int, value: str) -> bool:
    """A middle initial without its full stop: one capital between two words ("Stephan M
    Urner")."""
    return (
        value != "I"
        and start >= 2
        and text[start - 1] == " "
        and text[start - 2].isalpha()
        and text[end : end + 1] == " "
        and text[end + 1 : end + 2].isupper()
    )


def in_brackets(text: str, position: int) -> bool:
    """Whether an opening bracket comes shortly before, on the same line, unclosed."""
    window = text[max(0, position - 40) : position]
    return window.rfind("(") > max(window.rfind(")"), window.rfind("\n"))


def glued_to_code(text: str, title_end: int) -> bool:
    """Whether the title that ends here is the tail of a code ("86131-MS")."""
    start = title_end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    return start > 0 and (text[start - 1] in "-/_#" or text[start - 1].isdigit())


class _Word(Protocol):
    @property
    def all_caps(self) -> bool: ...
    @property
    def common(self) -> bool: ...


_W = TypeVar("_W", bound=_Word)


def trim_shouted_words(part: list[_W]) -> list[_W]:
    """In upper-case text, common words at the edges of a longer run ("JOHN SMITH HAS")
    are prose, not part of the name."""
    while len(part) > 2 and part[-1].all_caps and part[-1].common:
        part = part[:-1]
    while len(part) > 2 and part[0].all_caps and part[0].common:
        part = part[1:]
    return part
