"""Biometric identifiers: fingerprint, retina, iris, voice or face templates and their IDs.

Mentioning a fingerprint is not an identifier; a template or its ID after the cue is.
"""

from __future__ import annotations

from router.phi.entities import EntityType
from router.phi.recognizers.base import CueValueRecognizer


class BiometricRecognizer(CueValueRecognizer):
    name = "biometric"
    entity_type = EntityType.BIOMETRIC_ID
    cues = (
        r"finger\s?print(\s+(id|template|hash|scan))?",
        r"retina(l)?\s+(scan|template|id|pattern)",
        r"iris\s+(scan|template|code|id)",
        r"voice\s?print(\s+(id|template))?",
        r"face\s?print",
        r"facial\s+(template|geometry|id|signature)",
        r"palm\s?print(\s+(id|template))?",
        r"biometric(\s+(id|identifier|template|hash|key))?",
        r"dna\s+(profile|sample|id|sequence\s+id)",
        r"gait\s+(signature|template)",
    )
    min_digits = 2
    cue_confidence = 0.9
