"""Table-driven tests of the phone recognizer: what it finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from router.phi import EntityType
from tests.phi.conftest import Covered, Found

POSITIVES = [
    ("Call 555-123-4567 tomorrow", "555-123-4567"),
    ("phone (415) 555-0132 x204", "(415) 555-0132 x204"),
    ("reach me at +44 20 7946 0958", "+44 20 7946 0958"),
    ("They're not answering at 78 651 450", "78 651 450"),
    ("Desk: (898)666-3621x0135", "(898)666-3621x0135"),
    ("Can someone call me on 01.84.17.61.18?", "01.84.17.61.18"),
    ("Phone:\n467 3395\n", "467 3395"),
    ("(08) 8747 6301 is my number", "(08) 8747 6301"),
    ("416 60 039 office", "416 60 039"),
    # A postcode on the line above is not part of the number.
    ("APO AA 61487\n416 60 039 office", "416 60 039"),
    ("South Africa 70651\n082 490 1693-Office", "082 490 1693"),
    ("Portugal 30971\n21 253 109 8211-Office", "21 253 109 8211"),
    # National numbers with the trunk prefix 0 need no cue; nor does "00" + country code.
    ("It is 020 7946 0958.", "020 7946 0958"),
    ("Numer: 0699 868 88 55", "0699 868 88 55"),
    ("Tel. 030/1234567", "030/1234567"),
    ("see 03-1234-5678", "03-1234-5678"),
    ("(030) 1234567", "(030) 1234567"),
    ("(11) 91234-5678", "(11) 91234-5678"),
    ("001-253-366-9781", "001-253-366-9781"),
]
NEGATIVES = [
    "Doses of 10 20 40 80 mg were studied",
    "BP 120/80 HR 72",
    "take 2 tablets 3 times a day for 10 days",
    "Give 2 tabs 3 times a day for 10 days",
    "dose 250 500 mg",
    "seen on 03.07.2018 09.30 in clinic",
    "Titrate 0.25 0.5 1 mg weekly",
    "NDC 0002-3227-30, 30 tablets",
    "Product code 00093-7146-56",
    "Lot 0123 4567 89 expires soon",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_finds(found: Found, covered: Covered, text: str, value: str) -> None:
    assert covered(text, value)
    assert found(text, EntityType.PHONE)


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(found: Found, text: str) -> None:
    assert found(text, EntityType.PHONE) == []
