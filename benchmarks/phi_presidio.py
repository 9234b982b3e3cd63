"""The public presidio-research synthetic set, mapped to Safe Harbor types.

The mapping is explicit. ORGANIZATION, TITLE and NRP are not Safe Harbor identifiers by
themselves: they are neutral (a detection on them is neither credited nor penalised). A credit
card number is an account number (45 CFR 164.514(b)(2)(i)(J); and a unique identifying number
under (R)), as is an IBAN.
GPE counts as a location only below state level (countries, US states and demonyms are not
PHI; 45 CFR 164.514(b)(2)(i)(B) names "geographic subdivisions smaller than a State"), nor
does a two-letter code alone ("SK", "NS", "SA" under a town: a province or state; "NO": a
country). DATE_TIME counts unless it is a bare year or a weekday. AGE counts only above 89.
Labelled values that are not PHI are unlabelled here: detecting them is a false positive.

The set's generator wrote "nan" (a missing value) where a region was missing, inside
labelled addresses ("... Suite 691 Birmensdorf nan"); a trailing "nan" is no part of the
address and is left out of the span.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from benchmarks.phi_metrics import Labelled

DATASET = (
    Path(__file__).resolve().parents[2] / "shared/data/presidio-research/synth_dataset_v2.json"
)

_DIRECT = {
    "PERSON": "NAME",
    "STREET_ADDRESS": "LOCATION",
    "ZIP_CODE": "LOCATION",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "US_SSN": "SSN",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_DRIVER_LICENSE": "LICENSE_NUMBER",
    "IBAN_CODE": "ACCOUNT_NUMBER",
    "CREDIT_CARD": "ACCOUNT_NUMBER",
    "DOMAIN_NAME": "URL",
}
_NEUTRAL = {"ORGANIZATION", "TITLE", "NRP"}
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def _country_and_state_names() -> set[str]:
    from faker import Faker

    faker = Faker("en_US")
    provider = faker.provider("faker.providers.address")
    names = {name.lower() for name in getattr(provider, "countries", ())}
    names |= {name.lower() for name in getattr(provider, "states", ())}
    names |= {
        "united states",
        "usa",
        "uk",
        "cyprus (greek)",
        "czech republic",
        "greenlander",
        "nan",
    }
    return names


def load_presidio() -> list[Labelled] | None:
    if not DATASET.exists():
        return None
    rows = json.loads(DATASET.read_text(encoding="utf-8"))
    not_local = _country_and_state_names()
    samples = []
    for row in rows:
        text = row["full_text"]
        spans: list[tuple[int, int, str]] = []
        neutral: list[tuple[int, int]] = []
        for span in row["spans"]:
            start, end, kind = span["start_position"], span["end_position"], span["entity_type"]
            if kind in _NEUTRAL:
                neutral.append((start, end))
                continue
            mapped = _map(kind, text[start:end], not_local)
            if mapped is not None:
                end = _without_missing_value(text, start, end)
                spans.append((start, end, mapped))
        samples.append(Labelled(text, tuple(spans), tuple(neutral), None, "presidio"))
    return samples


def _without_missing_value(text: str, start: int, end: int) -> int:
    """The end of a span without a trailing "nan" ("... Birmensdorf nan")."""
    trailing = re.search(r"[\s,]+nan$", text[start:end])
    return start + trailing.start() if trailing is not None and trailing.start() > 0 else end


def _map(kind: str, value: str, not_local: set[str]) -> str | None:
    """The Safe Harbor type, or None when the labelled value is not PHI (a detection on it
    then counts against precision)."""
    if kind in _DIRECT:
        return _DIRECT[kind]
    if kind == "GPE":
        bare = value.strip()
        if bare.lower() in not_local or re.fullmatch(r"[A-Z]{2}", bare):
            return None
        return "LOCATION"
    if kind == "DATE_TIME":
        bare = value.strip().lower()
        if re.fullmatch(r"\d{4}", bare) or bare in _WEEKDAYS:
            return None
        return "DATE"
    if kind == "AGE":
        digits = re.sub(r"\D", "", value)
        return "AGE_OVER_89" if digits and int(digits) > 89 else None
    return None
