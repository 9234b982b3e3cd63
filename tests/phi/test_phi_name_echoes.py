"""Table-driven tests of name echoes (router/phi/name_echoes.py): a name found once is
found wherever its words recur, so that de-identification replaces every mention."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Found

CASES = [
    (
        "Hi Dr. Williams, this is Emily Ramirez. My refill ran out. Thanks, Emily",
        ["Williams", "Emily Ramirez", "Emily"],
    ),
    ("a film directed by Bryan Maclean and starring Maclean", ["Bryan Maclean", "Maclean"]),
    ("Magnus worked as the assistant to Magnus Poulsen.", ["Magnus", "Magnus Poulsen"]),
    # A common word does not echo where a sentence starts; elsewhere it does.
    ("Pt Will Smith here. Will you call me back?", ["Will Smith"]),
    ("Pt Will Smith here. Please ask for Will.", ["Will Smith", "Will"]),
    # Inside a longer word, or in another case, it is not the name.
    ("Pt Anna Stone. Stones passed yesterday; kidney stone noted.", ["Anna Stone"]),
    # Function and clinical words of a name's span never echo.
    ("Patient John Smith reports pain. The Patient is stable.", ["John Smith"]),
]


@pytest.mark.parametrize(("text", "names"), CASES)
def test_later_mentions_are_names(found: Found, text: str, names: list[str]) -> None:
    assert found(text, EntityType.NAME) == names
