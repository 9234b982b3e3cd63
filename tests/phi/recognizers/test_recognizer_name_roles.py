"""Table-driven tests of the places in a sentence that only a person takes
(router/phi/name_roles.py), and of names in letters beyond Latin-1.

Each positive is a word too weak alone (a lone surname-list word, a common word that is a
first name); each negative puts clinical, drug or guideline words in the same places.
"""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    # The subject of a speech verb.
    ("Medina said the pain was worse overnight.", "Medina"),
    ("Ferreira asked about the biopsy results.", "Ferreira"),
    # The one spoken to.
    ("Don't forget your inhaler, Mark!", "Mark"),
    ("Please call the pharmacy back, Faith.", "Faith"),
    ("Medina, can you send me the discharge papers?", "Medina"),
    ("Thanks, Guy", "Guy"),
    ("Hi Will, your refill is ready.", "Will"),
    # Speakers' labels in a dialogue.
    ("Ella: Did you take it?\nDestiny: Yes, this morning.", "Destiny"),
    ("Medina: The pump alarmed.\nGrace: I'll check it now.", "Medina"),
    # Whose relative or home.
    ("Walker's wife called about the bill.", "Walker's"),
    ("i'm roberto's daughter, he asked me to call", "roberto's"),
    # A family, an author.
    ("We met the Medina family at discharge.", "Medina"),
    ("The Young family asked about visiting hours.", "Young"),
    ("Have you read the Ferreira novel?", "Ferreira"),
    # Named together with a person found.
    ("Okonkwo and Brown were on call.", "Brown"),
    ("Aino, Jackson and Young founded the clinic.", "Young"),
    # After an introduction, a capitalised listed name even if it is a common word.
    ("His last name is Bell.", "Bell"),
    # A listed name joined to a word no list holds.
    ("glad to hear it, says Virta-aho.", "Virta-aho"),
    # Letters beyond Latin-1: capitals of the Latin extensions, and words that fold to an
    # English word but are none ("Bašić" is not "basic").
    ("Šárka Dvořáková called about the results.", "Šárka Dvořáková"),
    ("Referral for Marta Bašić, 54F.", "Marta Bašić"),
    ("Łucja Żak missed her appointment.", "Łucja Żak"),
]
# In lower-case text: a middle initial between two names or words no list holds.
LOWER_CASE = [
    ("please call olavi k niemela back", "olavi k niemela"),
    ("name: vaino t. korhonen\nroom 4", "vaino t. korhonen"),
]
NEGATIVES = [
    # Speech verbs after guidelines, relatives and determiners.
    "The guideline says aspirin is first line.",
    "Mom says he vomited twice.",
    "The Bill says the co-pay is waived.",
    # Lists and questions that end like a vocative.
    "Started aspirin, Plavix.",
    "What is the dose of Lasix, Doctor?",
    "Okay, what dose of metformin is safe in CKD?",
    "Thanks, Will do.",
    "Pap smear, Gram.",
    "Doses were given in April, May, June.",
    "Cool, what's the interaction between warfarin and amiodarone?",
    # A note's headings, a transcript's roles.
    "Subjective: cough\nObjective: afebrile\nAssessment: bronchitis\nPlan: rest",
    "HEENT: normal\nGU: voiding\nCV: regular rate",
    "Bot: How can I help?\nUser: What is the dose of amoxicillin for otitis media?",
    # Eponyms with a possessive, after "the", joined by "and".
    "Parkinson's tremor runs in families.",
    "Crohn's flare or Parkinson's tremor?",
    "Compare the Whipple procedure and the Foley catheter.",
    "Crohn and Colitis Foundation guidance on biologics",
    "Lymphadenopathy caused by Non-Hodgkin lymphoma",
    # After "name is", a drug.
    "The brand name is Lasix.",
    "The generic name is Metformin.",
    # Latin-1 accents are English loanwords.
    "Naïve T cells and the Résumé of the guideline",
    # Single letters between clinical words in lower case.
    "take 1 tab po q 6 h prn pain",
    "staph a bacteremia, strep b colonization, hep b vaccine given",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES + LOWER_CASE)
def test_finds_people_by_their_role(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.NAME)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_clinical_words_in_the_same_places_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.NAME) == []


def test_a_possessive_ends_the_name(found: Found) -> None:
    assert found("We read Edi Horvat's Cautionary Tales.", EntityType.NAME) == ["Edi Horvat's"]
