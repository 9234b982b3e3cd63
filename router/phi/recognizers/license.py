"""Certificate and licence numbers: driver's licences, professional licences, DEA and NPI
numbers, certificate numbers (all after a cue: the shapes alone are too varied).
"""

from __future__ import annotations

from router.phi.entities import EntityType
from router.phi.recognizers.base import CueValueRecognizer


class LicenseRecognizer(CueValueRecognizer):
    name = "license"
    entity_type = EntityType.LICENSE_NUMBER
    cues = (
        r"licen[cs]e(\s+(id|number|no|#))?",
        r"driver'?s?\s+licen[cs]e(\s+(number|no|#))?",
        r"dl\s?(#|number|no)",
        r"lic\.?\s?#?",
        r"certificate(\s+(id|number|no|#))?",
        r"cert\.?\s?#",
        r"dea(\s+(number|no|#))?",
        r"npi(\s+(number|no|#))?",
        r"registration(\s+(number|no|#))",
        r"passport(\s+(number|no|#))?",
        r"permit(\s+(number|no|#))?",
    )
    min_digits = 3
