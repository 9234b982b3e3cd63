"""Configuration of the PHI detector: which recognizers run, thresholds and scan limits."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from router.phi.recognizers import RECOGNIZER_NAMES

OneWord = Annotated[str, StringConstraints(pattern=r"^\S+$")]


class PhiConfig(BaseModel):
    """Validated, immutable settings; unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recognizers: tuple[str, ...] = Field(
        default=RECOGNIZER_NAMES, description="Names of the recognizers that run."
    )
    min_confidence: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Candidates below this are discarded."
    )
    max_scan_chars: int = Field(
        default=4_000_000, gt=0, description="Total characters per request; above: rejected."
    )
    max_depth: int = Field(
        default=32, gt=0, description="Deepest nesting of content parts or tool arguments."
    )
    max_fields: int = Field(default=20_000, gt=0, description="Text fields per request.")
    image_parts_are_photos: bool = Field(
        default=True, description="Treat every image content part as a possible face photo."
    )
    field_cache_size: int = Field(
        default=4096,
        ge=0,
        description="Fields whose detections are remembered (by a digest of their text, "
        "never the text) for the next turns of a conversation; 0 turns the cache off.",
    )
    common_word_min_count: int = Field(
        default=10_000,
        gt=0,
        description="A name-list token this frequent as an English word needs more evidence.",
    )
    system_names: tuple[OneWord, ...] = Field(
        default=(),
        description="Names of the hospital's own systems, vendors and devices ('Meditech', "
        "'Omnicell'), one word each: never taken for a person's name (after a title they are).",
    )

    @field_validator("recognizers")
    @classmethod
    def _known_recognizers(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(names) - set(RECOGNIZER_NAMES))
        if unknown:
            raise ValueError(f"unknown recognizers: {', '.join(unknown)}")
        if len(set(names)) != len(names):
            raise ValueError("recognizers are listed more than once")
        return names
