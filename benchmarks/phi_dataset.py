"""A labelled clinical evaluation set, built deterministically with Faker (fixed seed).

Texts are composed from templates whose placeholders are filled with Faker values and
labelled with their Safe Harbor type as they are inserted, so every offset is exact.
Names come from Faker's locale lists (en_US, en_GB, es_MX, de_DE, it_IT, fr_FR, pl_PL),
not from the census files the detector uses, so some names are unseen by it.
Categories: clinical notes, physician questions, portal messages, scheduling, billing,
identifier-only texts, and hard negatives (guideline and drug questions with numbers and
dates that are not identifiers).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker

from router.tiers import Tier

NAME_LOCALES = ("en_US", "en_US", "en_US", "en_GB", "es_MX", "de_DE", "it_IT", "fr_FR", "pl_PL")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Sample:
    text: str
    spans: tuple[Span, ...]
    tier: Tier
    category: str


DIAGNOSES = (
    "type 2 diabetes",
    "hypertension",
    "CHF",
    "COPD",
    "atrial fibrillation",
    "pneumonia",
    "major depressive disorder",
    "chronic kidney disease stage 3",
    "asthma",
    "sepsis",
    "breast cancer",
    "migraine",
    "cellulitis",
    "osteoarthritis",
    "hypothyroidism",
)
MEDICATIONS = (
    "metformin",
    "lisinopril",
    "atorvastatin",
    "apixaban",
    "sertraline",
    "levothyroxine",
    "amlodipine",
    "furosemide",
    "insulin glargine",
    "albuterol",
    "prednisone",
    "gabapentin",
)


class Composer:
    """Builds one text piece by piece, recording the span of every identifier."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.length = 0

    def add(self, text: str, entity_type: str | None = None) -> Composer:
        if entity_type is not None:
            self.spans.append(Span(self.length, self.length + len(text), entity_type))
        self.parts.append(text)
        self.length += len(text)
        return self

    def build(self, tier: Tier, category: str) -> Sample:
        return Sample("".join(self.parts), tuple(self.spans), tier, category)


Template = Callable[["Values", Composer], tuple[Tier, str]]


class Values:
    """Faker-backed values in the shapes clinical text uses."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers = {locale: Faker(locale) for locale in sorted(set(NAME_LOCALES))}
        for offset, faker in enumerate(self.fakers.values()):
            faker.seed_instance(seed + offset)
        self.us = self.fakers["en_US"]

    def _person(self) -> Faker:
        return self.fakers[self.rng.choice(NAME_LOCALES)]

    def first(self) -> str:
        return str(self._person().first_name())

    def last(self) -> str:
        return str(self._person().last_name())

    def full_name(self) -> str:
        person = self._person()
        shape = self.rng.random()
        first, last = str(person.first_name()), str(person.last_name())
        if shape < 0.55:
            return f"{first} {last}"
        if shape < 0.7:
            return f"{first.upper()} {last.upper()}"
        if shape < 0.8:
            return f"{last.upper()}, {first.upper()}"
        if shape < 0.9:
            return f"{first[0]}. {last}"
        return f"{first} {last[0]}."

    def date(self) -> str:
        day = self.us.date_between(start_date="-30y", end_date="today")
        shapes = (
            f"{day.month:02d}/{day.day:02d}/{day.year}",
            f"{day.month}/{day.day}/{str(day.year)[2:]}",
            day.strftime("%d-%b-%y"),
            day.strftime("%B ") + str(day.day) + self.rng.choice(("", "th" if day.day > 3 else "")),
            day.strftime("%b %d, %Y"),
            day.isoformat(),
            f"the {day.day}{_ordinal(day.day)} of {day.strftime('%B')}",
            day.strftime("%d %B %Y"),
        )
        return self.rng.choice(shapes)

    def mrn(self) -> str:
        digits = str(self.rng.randint(10**5, 10**9))
        return self.rng.choice(
            (
                digits,
                f"{digits[:5]}-{self.us.lexify('??').upper()}",
                f"UCSF-{digits[:6]}",
                f"MR{digits}",
                f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
            )
        )

    def phone(self) -> str:
        area, mid, end = (
            self.rng.randint(201, 989),
            self.rng.randint(200, 999),
            self.rng.randint(0, 9999),
        )
        return self.rng.choice(
            (
                f"({area}) {mid}-{end:04d}",
                f"{area}-{mid}-{end:04d}",
                f"{area}.{mid}.{end:04d}",
                f"+1 {area} {mid} {end:04d}",
            )
        )

    def old_age(self) -> str:
        age = self.rng.randint(90, 104)
        return self.rng.choice((f"{age}-year-old", f"{age} yo", f"{age}M", f"aged {age}"))

    def young_age(self) -> int:
        return self.rng.randint(18, 88)

    def street(self) -> str:
        return str(self.us.street_address())

    def city_state_zip(self) -> tuple[str, str, str]:
        return str(self.us.city()), str(self.us.state_abbr()), str(self.us.zipcode())

    def ssn(self) -> str:
        return str(self.us.ssn())

    def email(self) -> str:
        return str(self.us.email())

    def member_id(self) -> str:
        return self.us.bothify("???#########").upper()

    def account(self) -> str:
        return str(self.rng.randint(10**6, 10**10))

    def diagnosis(self) -> str:
        return self.rng.choice(DIAGNOSES)

    def medication(self) -> str:
        return self.rng.choice(MEDICATIONS)


def _ordinal(day: int) -> str:
    if 11 <= day <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def build_samples(count: int = 1200, seed: int = 20240501) -> list[Sample]:
    from benchmarks.phi_templates import TEMPLATES

    values = Values(seed)
    samples = []
    for index in range(count):
        template = TEMPLATES[index % len(TEMPLATES)]
        composer = Composer()
        tier, category = template(values, composer)
        samples.append(composer.build(tier, category))
    return samples


def tokens_of(text: str) -> int:
    """A rough token count (about 0.75 words a token, as for English with BPE)."""
    return round(len(re.findall(r"\S+", text)) * 1.33)
