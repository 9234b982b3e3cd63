"""Table-driven tests of words that look like names but are not people: a note's section
headings ("Abd: soft"), English words written with accents ("Café") and diseases named
after people ("Huntington's chorea"; router/phi/eponyms.py).

Each rule has people in the same positions beside it: the name must still be found.
"""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Found

HEADINGS = [
    "Resp: clear to auscultation bilaterally",
    "Abd: soft, non-tender, no guarding",
    "Neuro: alert and oriented x3",
    "CV: RRR, no murmurs\nGI: no nausea",
    "Ext: no edema\nSkin: warm, dry\nPsych: normal mood and affect",
    "Vitals stable.\nResp: CTAB\nAbd: soft\nNeuro: nonfocal\nExt: warm",
    "PE: Gen: NAD. Resp: unlabored. Abd: benign. Neuro: CN II-XII intact.",
    "Derm: no rash\nEndo: on insulin\nHeme: no bruising",
]
LOANWORDS = [
    "Met the patient at the Café near the clinic.",
    "Café on the corner has good coffee.",
    "Her Fiancé will drive her home after the procedure.",
]
EPONYMS = [
    "Huntington's chorea in the family.",
    "Huntington's, Parkinson's, Crohn's and Alzheimer's were discussed.",
    "Patient with Parkinson's on levodopa; mother had Alzheimer's.",
    "Crohn's flare last month.",
    "Hashimoto's thyroiditis, on levothyroxine.",
    "Screen for Cushing's; Addison's ruled out.",
    "Graves' disease treated with methimazole.",
    "Raynaud's phenomenon in both hands.",
    "History of Bell's palsy and Tourette's.",
]
# People in the same places: a speaker's label beside another, a title before an eponym's
# name, a possessive before a relative, a census first name before a symptom.
PEOPLE = [
    ("Medina: Did you take it?\nFaith: Yes, this morning.", "Faith"),
    ("Mr. Cushing's daughter called.", "Cushing's"),
    ("Dr. Hashimoto's clinic is on the third floor.", "Hashimoto's"),
    ("Huntington's daughter called about the results.", "Huntington's"),
    ("Patient George's fever is up.", "George's"),
    ("Hartvigsson: the pump alarmed twice.\nMehrudin: I'll check it.", "Hartvigsson"),
]


@pytest.mark.parametrize("text", HEADINGS + LOANWORDS + EPONYMS)
def test_headings_loanwords_and_eponyms_are_not_people(found: Found, text: str) -> None:
    assert found(text, EntityType.NAME) == []


@pytest.mark.parametrize(("text", "name"), PEOPLE)
def test_people_in_the_same_places_are_found(found: Found, text: str, name: str) -> None:
    assert name in found(text, EntityType.NAME)
