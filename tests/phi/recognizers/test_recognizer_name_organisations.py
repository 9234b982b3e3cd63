"""Table-driven tests of organisations, countries and nationalities, which look like names
but are not people (router/phi/organisation_context.py, router/phi/nationality.py).

Each rule has people in the same positions beside it: the name must still be found, and a
hospital or clinic named after a person is still an identifier (a facility).
"""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

ORGANISATIONS = [
    # An organisation word ends the capitalised run.
    "During 2017, Allstate Insurance Group invested heavily in new designs.",
    "I used to work for Usaa Group as an operator.",
    "The Exversion Orchestra was founded in 1971.",
    "The Garmin Orchestra was founded in 1971.",
    "The Davis, Reynolds and Williamson Orchestra was founded in 1988.",
    "The Clark, Romero and Hall Orchestra plays tonight.",
    "Thomas and Sons sells hardware.",
    "Nera Economic Consulting invested heavily.",
    "Intermap Technologies hired two people.",
    "We bank with Hartvigsson Bank now.",
    "ACME HOLDINGS and KOWALCZYK LLC signed the lease.",
    # Described as one.
    "Persint is an German multinational investment bank and financial services company",
    "Glorvex, a Danish software company, makes the app.",
    "Tavrinco was a small publishing firm based in Ohio.",
    # Where someone works.
    "I work for Citigroup",
    "I used to work for Futureadvisor, but quit a few months ago.",
    "She worked at Deloitte for ten years.",
]
COUNTRIES_AND_NATIONALITIES = [
    "I will be travelling to France next week, so I need my passport.",
    "We moved to Georgia in the spring.",
    "She moved here from Czech Republic",
    "He grew up in Jordan and studied abroad.",
    "I am belizian but I live in Belgium.",
    "Greenlander was super fun to visit!",
    "My neighbour is Bruneian.",
]
# People in the same positions: a title, a cue, a first name before an organisation word
# that is also a surname, a list of people, a speaking verb before a country's name.
PEOPLE = [
    ("Dr. Allstate Group will see you now.", "Allstate Group"),
    ("Mr. Bank called about the bill.", "Bank"),
    ("Anna Bank called about the bill.", "Anna Bank"),
    ("Williamson and Davis called this morning.", "Williamson"),
    ("Williamson and Davis called this morning.", "Davis"),
    ("Morrison, Rogers and Torres reviewed the scan.", "Rogers"),
    ("I work for Kevin on weekends.", "Kevin"),
    ("Spoke to Georgia about her results.", "Georgia"),
    ("Georgia called about her refill.", "Georgia"),
    ("Hartvigsson is a bank teller with chest pain.", "Hartvigsson"),
    # Near a nationality's spelling ("Turkey"), but a first name.
    ("Lives with daughter T\u00fcrkan. Takes metformin.", "T\u00fcrkan"),
]
# Facilities stay identifiers, even when named after a person or a company.
FACILITIES = [
    ("Admitted to Mercy Hospital yesterday.", "Mercy Hospital"),
    ("Follow-up at the Hartvigsson Clinic in two weeks.", "Hartvigsson Clinic"),
]


@pytest.mark.parametrize("text", ORGANISATIONS + COUNTRIES_AND_NATIONALITIES)
def test_organisations_and_countries_are_not_people(found: Found, text: str) -> None:
    assert found(text, EntityType.NAME) == []


@pytest.mark.parametrize(("text", "name"), PEOPLE)
def test_people_in_the_same_places_are_found(found: Found, text: str, name: str) -> None:
    assert name in found(text, EntityType.NAME)


@pytest.mark.parametrize(("text", "value"), FACILITIES)
def test_facilities_stay_identifiers(covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
