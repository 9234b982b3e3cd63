"""Field paths round-trip, including keys that are not identifiers."""

from __future__ import annotations

import pytest

from router.phi.paths import format_path, parse_path

CASES = [
    ["messages", 2, "content", 1, "text"],
    ["messages", 0, "tool_calls", 0, "function", "arguments", "first name", 3],
    ["input", 0],
    ["a", 'quote"and\\slash', "b"],
]


@pytest.mark.parametrize("parts", CASES)
def test_round_trip(parts: list[str | int]) -> None:
    assert parse_path(format_path(parts)) == parts


def test_readable_form() -> None:
    assert format_path(["messages", 2, "content", 1, "text"]) == "messages[2].content[1].text"


def test_malformed_path() -> None:
    with pytest.raises(ValueError, match="malformed"):
        parse_path("messages[x]")
