"""Table-driven tests of the street_address recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("lives at 1234 Oak Street", "1234 Oak Street"),
    ("Mail to 55 W. 3rd Ave, Apt 4B", "55 W. 3rd Ave, Apt 4B"),
    ("P.O. Box 4471", "P.O. Box 4471"),
    ("his address: 5049 Harjukuja 54, SEINAJOKI", "5049 Harjukuja 54, SEINAJOKI"),
    (
        "28245 Puruntie 82 Apt. 595\n   LAPPEENRANTA\n    53650",
        "28245 Puruntie 82 Apt. 595\n   LAPPEENRANTA\n    53650",
    ),
    ("Meet me at PSC 1437, Box 3833\nAPO AA 66791", "PSC 1437, Box 3833\nAPO AA 66791"),
    ("Our office is at Kálmán Imre u. 12.\nZalakaros", "Kálmán Imre u. 12.\nZalakaros"),
    ("send it to Belgrád rkp. 18. please", "Belgrád rkp. 18."),
    ("It is on Via dei Fiorentini 17 in Rome", "Via dei Fiorentini 17"),
    ("drop it at 26 rue des Lilas\nApt. 4", "26 rue des Lilas\nApt. 4"),
    ("He lives at Hoge Wei 32", "Hoge Wei 32"),
    ("She lives on Hauptmann 12 with her son", "Hauptmann 12"),
    ("Skogstien 106, ASKER", "Skogstien 106, ASKER"),
    (
        "at the corner of 25 Main Street and King Forges",
        "the corner of 25 Main Street and King Forges",
    ),
    ("USNV Botolen\nFPO AE 12382", "USNV Botolen\nFPO AE 12382"),
    # A house number or street name before the street, the town and country after it.
    (
        "0912 P.O. Box 287 Apt. 051, Tallinn, Estonia",
        "0912 P.O. Box 287 Apt. 051, Tallinn, Estonia",
    ),
    ("sent to Storgarden 52 Trajanka Forks", "Storgarden 52 Trajanka Forks"),
    # A house number and a street name in lower case or another script before a number
    # and a flat: messages typed in lower case, names without capitals.
    ("user: 0605 πεντέλης 210 apt. 999", "0605 πεντέλης 210 apt. 999"),
    ("ship to 5670 r jose a madeira 1 suite 696 please", "5670 r jose a madeira 1 suite 696"),
    # In text typed all in lower case, the words that end the street's line: town, region.
    ("new address:\n3911 fourth avenue suite 112 red deer alberta", "112 red deer alberta"),
    (
        "12 Timms Drive Suite 215 NUNGATTA Australia last night",
        "12 Timms Drive Suite 215 NUNGATTA Australia",
    ),
    ("Apt. 405 Sindi PR", "Apt. 405 Sindi PR"),
    ("Meet at 641 Dašická 688, Turkovice u Prelouce", "641 Dašická 688, Turkovice u Prelouce"),
    ("Office: 12 Oak Street, Porto Alegre, RS 24893", "12 Oak Street, Porto Alegre, RS 24893"),
    # Lines under a street: a region line, a postcode before prose, the sentence's end.
    (
        "6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677",
        "6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677",
    ),
    ("at 25615 Tawastintie 72\nKNIVSTA, nan 18237 after the concert", "KNIVSTA, nan 18237"),
    ("a taxi to 67 Devon Street\n West Brook\n New Zealand. Call me", "West Brook\n New Zealand"),
    # A street named after a preposition, without a number.
    ("these early shows on Berg Hills Street were important", "Berg Hills Street"),
    ("She lives on Miletić Dale Street.", "Miletić Dale Street"),
    ("The clinic on Oak Avenue is closed.", "Oak Avenue"),
]
NEGATIVES = [
    "5 days in a row",
    "a 10 minute walk after meals",
    "In 2021, about 1 in 3 adults",
    "Take 2 Tylenol 500 mg at night\nThen rest",
    "During 1984, the group invested heavily",
    "Aggregate 20 samples before analysis",
    "as reported by Smith et al. 2019",
    "Give via NG tube 3 times a day",
    "He was at the corner of the room and Sat down",
    "Katie 12 years old with asthma",
    "He lives on a farm with his wife",
    "He was in A Lane of the pool",
    "Start on Metformin Drive-through pharmacy",
    "went down memory lane street by street",
]
# Where an address ends: prose after it in lower case is not its town.
EXTENTS = [
    ("he lives at 12 oak street with his wife\nand son", "12 oak street"),
    ("gave 2 doses then 10 apt 3", "10 apt 3"),
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.LOCATION)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.LOCATION) == []


@pytest.mark.parametrize(("text", "address"), EXTENTS)
def test_stops_where_prose_resumes(found: Found, text: str, address: str) -> None:
    assert found(text, EntityType.LOCATION) == [address]
