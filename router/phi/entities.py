"""What the detector reports: Safe Harbor entity types, entities and the classification."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from router.tiers import Tier


class EntityType(StrEnum):
    """The 18 HIPAA Safe Harbor identifier categories (45 CFR 164.514(b)(2)(i))."""

    NAME = "NAME"
    LOCATION = "LOCATION"
    DATE = "DATE"
    AGE_OVER_89 = "AGE_OVER_89"
    PHONE = "PHONE"
    FAX = "FAX"
    EMAIL = "EMAIL"
    SSN = "SSN"
    MRN = "MRN"
    HEALTH_PLAN_ID = "HEALTH_PLAN_ID"
    ACCOUNT_NUMBER = "ACCOUNT_NUMBER"
    LICENSE_NUMBER = "LICENSE_NUMBER"
    VEHICLE_ID = "VEHICLE_ID"
    DEVICE_ID = "DEVICE_ID"
    URL = "URL"
    IP_ADDRESS = "IP_ADDRESS"
    BIOMETRIC_ID = "BIOMETRIC_ID"
    PHOTO = "PHOTO"
    OTHER_ID = "OTHER_ID"


class Entity(NamedTuple):
    """One detected identifier. `text` is the original substring: never log it.

    A named tuple: a request has hundreds of entities, and a tuple is built in C (~0.15 us)
    where a frozen dataclass sets each field through `object.__setattr__` (~1.7 us).
    """

    type: EntityType
    start: int
    end: int
    path: str
    message_index: int | None
    confidence: float
    text: str
    recognizer: str = ""

    def __repr__(self) -> str:
        # Keep the value out of reprs so that a stray log line cannot leak it.
        return (
            f"Entity(type={self.type.value}, start={self.start}, end={self.end}, "
            f"path={self.path!r}, confidence={self.confidence:.2f})"
        )


@dataclass(frozen=True, slots=True)
class Classification:
    """The detected tier of one request, with the evidence behind it."""

    tier: Tier
    entities: tuple[Entity, ...]
    reasons: tuple[str, ...]
    has_health_information: bool
    health_categories: tuple[str, ...] = ()

    def entity_counts(self) -> dict[str, int]:
        """Entity type name -> count, for audit records and metrics (no values)."""
        return dict(sorted(Counter(entity.type.value for entity in self.entities).items()))
