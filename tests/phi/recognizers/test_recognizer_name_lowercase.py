"""Table-driven tests of names in text written all in lower case
(router/phi/lowercase_names.py): the name lists are the only evidence there."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Found

FOUND = [
    ("follow up with patricia desrosiers in a couple of months.", ["patricia desrosiers"]),
    ("olga krylova's killers were sentenced", ["olga krylova"]),
    ("they had 3: silvana, adam and caleb.", ["silvana", "adam", "caleb"]),
    ("selma is from the billing office", ["selma"]),
    ("the visit with kristina went well", ["kristina"]),
    # A word no list holds, then a listed surname.
    ("have you asked tarquol nakamura about the forms?", ["tarquol nakamura"]),
]
NOT_FOUND = [
    # Prose, clinical words and organisms in lower case.
    "nausea, vomiting and diarrhea since tuesday; started lisinopril, metformin and atorvastatin.",
    "urine grew candida albicans and candida glabrata.",
    "candida grew in 2 of 4 bottles.",
    "will you call me back? hope so.",
    "the iris and pupil look normal; rose bengal stain negative.",
    "please send the results to mark.",
    "doses at may, june and july visits",
    # A misspelt word before a surname that is a common English word.
    "the pateint young and healthy, no meds.",
    # A capital anywhere: the usual rules, which need a cue for a lower-case name.
    "Follow up with patricia desrosiers in a couple of months.",
]


@pytest.mark.parametrize(("text", "names"), FOUND)
def test_finds_lower_case_names(found: Found, text: str, names: list[str]) -> None:
    assert found(text, EntityType.NAME) == names


@pytest.mark.parametrize("text", NOT_FOUND)
def test_leaves_lower_case_prose_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.NAME) == []
