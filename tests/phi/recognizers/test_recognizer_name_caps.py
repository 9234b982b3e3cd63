"""Names in capitals that no list holds, and surnames that are also place words."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Found

# (text, the names found: exact spans).
CASES = [
    # Two shouted words side by side that no list holds, or a listed one and one that no
    # list holds, joined by a comma: a name, whole.
    ("Patient POREDA, MATEUSZ is a 84-year-old", ["POREDA, MATEUSZ"]),
    ("Questions about my results. - KURCZAK, HUBERT", ["KURCZAK, HUBERT"]),
    ("Account 5339413427 for MECHTILD STRIEBITZ: balance due", ["MECHTILD STRIEBITZ"]),
    ("Send the statement to GORLITZ, LILIJA, 7282 Grant Road", ["GORLITZ, LILIJA"]),
    ("Discharge summary: ELLIOTT, BETHAN, 90 yo", ["ELLIOTT, BETHAN"]),
    ("PT NAME: FOCONI, DONATELLO\nDOB: 11-Jan-97", ["FOCONI, DONATELLO"]),
    ("Discharge summary: ROKSANA DĄBROWICZ, 102-year-old", ["ROKSANA DĄBROWICZ"]),
    # A particle in capitals joins two names in capitals.
    ("Pt ÉLÉONORE DE SOUSA has hypothyroidism", ["ÉLÉONORE DE SOUSA"]),
    ("MARIA DE LA CRUZ, 45F", ["MARIA DE LA CRUZ"]),
    ("CITY OF LA PAZ", []),
    # A shouted word alone, acronyms, clinical words, drugs and prose stay out.
    ("POREDA", []),
    ("PT IS A 65 YO M WITH HTN AND DM2.", []),
    ("PATIENT IS A 72 YO F WITH COPD.", []),
    ("HISTORY OF NSTEMI, HFREF AND COPD", []),
    ("ASPIRIN, WARFARIN, METOPROLOL", []),
    ("PATIENT PRESENTS WITH CHEST PAIN, DYSPNEA", []),
    ("ASSESSMENT AND PLAN: CONTINUE LISINOPRIL", []),
    ("HIPAA COVID", []),
    # A frequent first name, then a surname that is also a place word: a person.
    ("Pt Natalie Ward has atrial fibrillation", ["Natalie Ward"]),
    ("Discharge summary: Deborah Lane, 95 yo", ["Deborah Lane"]),
    ("referred to Natalie Ward for follow-up", ["Natalie Ward"]),
    ("My patient G. Ward (49F) has cellulitis", ["G. Ward"]),
    # A first name that is a word or a place, or a place before it: a place.
    ("Admitted to Grace Hospital overnight", []),
    ("She lives on Victoria Street", []),
    ("We hiked in the Jordan Valley", []),
    ("She lives at 12 Deborah Lane", []),
    ("transferred to the Natalie Ward upstairs", []),
    ("She lives on Deborah Lane", []),
    ("met at Jessica Street Station", []),
    ("Turn onto N. Park Avenue", []),
]


@pytest.mark.parametrize(("text", "names"), CASES)
def test_names_in_capitals_and_place_surnames(found: Found, text: str, names: list[str]) -> None:
    assert found(text, EntityType.NAME) == names
