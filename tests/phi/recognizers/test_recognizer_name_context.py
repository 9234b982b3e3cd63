"""Table-driven tests of the words around a capitalised word that tell a product, a vendor
or an organism from a person (router/phi/product_context.py, organism_context.py).

Each rule has people in the same positions beside it: the name must still be found.
"""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Found

# Vendor, system and device names no list holds, in the ways text speaks of systems.
PRODUCTS = [
    "Is the Glooko app down again?",
    "The Alaris pump alarmed twice overnight.",
    "Can we connect the bedside monitors to Meditech this week?",
    "We are migrating from Allscripts next spring.",
    "Orders flow via Glooko into the chart.",
    "Log in to Vocera with your badge.",
    "Sync the glucose readings with Glooko before clinic.",
    "Does the Tandem pump interface with Glooko?",
    "Who supports the Vocera server?",
]
# Genus names: in no word list ("Serratia") or census first names ("Candida").
ORGANISMS = [
    "Candida grew in 2 of 4 bottles.",
    "Candida albicans was isolated from the urine.",
    "Serratia marcescens was isolated from the sputum.",
    "Blood cultures grew Serratia overnight.",
    "Urine was positive for Legionella antigen.",
    "Aspergillus species are common in the ward air.",
    "Clostridioides difficile toxin positive.",
]
# People where the rules look: sent, referred and spoken to; their own devices; names
# before a disease in a sign-out list; a title before a vendor's word.
PEOPLE = [
    ("Please send the pump settings to Hartvigsson.", "Hartvigsson"),
    ("Hartvigsson's pump alarmed overnight.", "Hartvigsson's"),
    ("Referred to Mehrudin for the sensor fitting.", "Mehrudin"),
    ("The Hartvigsson family asked about the portal.", "Hartvigsson"),
    ("Connect with Hartvigsson about the discharge plan.", "Hartvigsson"),
    ("Mehrudin called about the system outage.", "Mehrudin"),
    ("Maria grew up in Spain.", "Maria"),
    ("Candida called about her refill.", "Candida"),
    ("Hartvigsson pneumonia, bed 4.", "Hartvigsson"),
    ("Hartvigsson culture pending.", "Hartvigsson"),
    ("Dr. Glooko will see you now.", "Glooko"),
]


@pytest.mark.parametrize("text", PRODUCTS + ORGANISMS)
def test_products_and_organisms_are_not_people(found: Found, text: str) -> None:
    assert found(text, EntityType.NAME) == []


@pytest.mark.parametrize(("text", "name"), PEOPLE)
def test_people_in_the_same_places_are_found(found: Found, text: str, name: str) -> None:
    assert name in found(text, EntityType.NAME)
