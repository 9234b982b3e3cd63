"""Table-driven tests of the city recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("She lives in Oakland with her son", "Oakland"),
    ("moved to Springfield, IL last year", "Springfield"),
    ("resident of Marin County", "Marin County"),
    ("We moved here from Kenosha", "Kenosha"),
    ("I'm in Miami for the week", "Miami"),
    # Villages of a few hundred inhabitants are in the gazetteer too.
    ("She grew up in Hallstatt", "Hallstatt"),
    ("We drove back from Tobermory yesterday", "Tobermory"),
    # After travel and origin cues, a place the gazetteer does not know.
    ("She flew to Zlatiborsko on Friday", "Zlatiborsko"),
    ("originally from Vrhovine Gornje, and 40 y/o", "Vrhovine Gornje"),
    # Lower case after a residence cue; a postcode after the place; a university's town.
    ("my friend lives in hallstatt", "hallstatt"),
    ("an office in Grindelwald 3818 since May", "Grindelwald 3818"),
    ("studying at the University of Kiel", "Kiel"),
    # A capitalised place with a postcode; a form field that holds a place.
    ("an office in Quinta do Anjo 2950-001 since May", "Quinta do Anjo 2950-001"),
    ("we moved in to Quinta do Anjo 2950-001", "Quinta do Anjo 2950-001"),
    ("Ms. Rennie flew to Zlatiborsko Dolnje on Friday", "Zlatiborsko Dolnje"),
    ("City: Zlatiborsko\nState: WI", "Zlatiborsko"),
    ("Place of birth: Vrhovine Gornje", "Vrhovine Gornje"),
    # A home town named without a preposition; a town in another script after a cue.
    ("the band's home city Station Nord: a song about it", "Station Nord"),
    ("Her hometown is Zlatiborsko, she said.", "Zlatiborsko"),
    ("His home town: Kenosha", "Kenosha"),
    ("originally from Κάτω Πολεμίδια, and 23 y/o", "Κάτω Πολεμίδια"),
    # The town line of a postal address, above its country or state.
    ("Agatha Ottarsdottir\n\nEBEN\nAustria", "EBEN"),
    ("Return to:\nVrhovine Gornje\nCroatia\nThanks", "Vrhovine Gornje"),
    ("Send it to\nZLATIBORSKO 31315\nSerbia", "ZLATIBORSKO 31315"),
]
NEGATIVES = [
    "He lives in fear of falling",
    "Based in California",
    "from Texas",
    "I will be travelling to France next week",
    "Seen in clinic and referred to Cardiology",
    "Transferred to PACU in stable condition",
    "Switched from Norco to Tylenol",
    "Returned to Oncology for follow-up",
    "Arrived at ED via EMS",
    "Returned to Dr. Patel for review",
    "We moved here from Netherlands",
    "She flew to Hawaii in June",
    "He lives in fear and returned to work",
    "Results in March 2024 were normal",
    "Upgraded to Windows 2000 last year",
    "Location: Left lower lobe",
    "Where: ICU",
    "Flew to Europe last month and developed fever",
    "Originally from South America",
    "Returned to Work on Monday",
    "Arrived at Emergency Department via ambulance",
    "Where: Emergency Room",
    "Results from Study 1234 showed benefit",
    "Travelled from Lyme disease endemic area",
    # Above a country's line: prose, a ward, another country, a heading.
    "Travel history\nFrance",
    "ICU\nGermany",
    "Canada\nUnited States",
    "Flew back from\nItaly",
    "Her home city ED visits doubled",
    "His hometown is Texas",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.LOCATION)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.LOCATION) == []
