"""Table-driven tests of the name recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("Patient John Smith reports pain", "John Smith"),
    ("SMITH, JOHN 67M", "SMITH, JOHN"),
    ("seen by Dr. Nguyen", "Nguyen"),
    ("Mr. Ferko Takats called", "Ferko Takats"),
    ("my name is john smith", "john smith"),
    ("Thanks, Anna S.", "Anna S."),
    ("per J. Smith", "J. Smith"),
    ("Kevin had given Alma his address", "Kevin"),
    ("Patient Abril de la Rosa", "Abril de la Rosa"),
    ("PT NAME: SCARPETTA, VITO", "SCARPETTA, VITO"),
    ("daughter June Smith visited", "June Smith"),
    ("Dear Łukasz Korniak,", "Łukasz Korniak"),
    ("Stephan M Urner\n4844 Main Street", "Stephan M Urner"),
    ("My name is Ruth R Montez.", "Ruth R Montez"),
    ("What's your last name? Magnusson", "Magnusson"),
    ("Torpy and Salinas were precision engineers.", "Torpy"),
    ("Discharge summary: Tina Holland, 92 yo", "Tina Holland"),
    # An eponym's noun ("scale", "test") on the next line is a new line's word.
    ("Greta Okafor\nScale Analytics\nBilling", "Greta Okafor"),
    # Unknown capitalised words: no census entry, no English word, no drug.
    ("Hartvigsson called about the bill.", "Hartvigsson"),
    ("Mehrudin shouted at the nurse.", "Mehrudin"),
    ("glad to hear that, says Bergqvist.", "Bergqvist"),
    ("It was a done thing between him and Asya's kid.", "Asya"),
    ("my name is vitoria", "vitoria"),
    # Family and friends announce a name as a son or a daughter does.
    ("I would like to remove my kid Lukas from the will.", "Lukas"),
    ("my niece Ingrid picks up the prescription", "Ingrid"),
    ("her boyfriend Mateus drove her in", "Mateus"),
]
# The name must stop where an address starts.
EXACT = [("Mrs. Jennifer Alcaraz Suite 541 6343 Skogstien 106", "Jennifer Alcaraz")]
NEGATIVES = [
    "Parkinson disease and Bell's palsy",
    "Will you call me back? Hope so.",
    "The patient reports chest pain",
    "Seen in April for follow-up",
    "PATIENT PRESENTS WITH CHEST PAIN",
    "Portal login failed",
    "Compare Parkinson staging (Hoehn and Yahr) with other scales",
    "I'm glad that New Zealand is moving in that direction",
    "MRN: 86131-MS. Started gabapentin 20 mg daily.",
    # Known words that a name list lacks: drugs, organisms, British spellings, codes.
    "Patient was given Zofran and Toradol in the ED.",
    "Staphylococcus aureus grew from the culture; started Vancomycin.",
    "Klebsiella pneumoniae and Pseudomonas were isolated.",
    "Summarise the guideline. Oedema improved after Furosemide.",
    "SpO2 was 91% on room air; HbA1c pending.",
    "Compare staging (Hoehn) with other scales",
    "Candida species grew in 2 of 4 bottles.",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.NAME)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.NAME) == []


# After a weak cue ("from", "by", "this is"), only a capitalised listed uncommon name is
# taken, after at most three separators; a lone surname without a cue stays below the
# threshold, so these are found through the cue.
AFTER_WEAK_CUE = [
    ("a note from Nguyen", ["Nguyen"]),
    ("sent by: Nguyen today", ["Nguyen"]),
    ("a note from \u00d1guyen", ["\u00d1guyen"]),
    ("this is Nguyen calling", ["Nguyen"]),
    ("with\u2028Nguyen", ["Nguyen"]),
    ("a note from nguyen", []),
    ("from . . . Nguyen", []),
    ("Nguyen", []),
    # A country is not a person, unless it is also a first name.
    ("I'm originally from Norway", []),
    ("We moved here from Canada", []),
    ("a note from Jordan", ["Jordan"]),
]


@pytest.mark.parametrize(("text", "names"), AFTER_WEAK_CUE)
def test_after_a_weak_cue(found: Found, text: str, names: list[str]) -> None:
    assert found(text, EntityType.NAME) == names


@pytest.mark.parametrize(("text", "value"), EXACT)
def test_exact_span(found: Found, text: str, value: str) -> None:
    assert value in found(text, EntityType.NAME)
