"""PHI detection and workload classification.

classifier = Classifier(PhiConfig())
classification = classifier.classify_chat(body)
new_body, surrogates = deidentify_chat(body, classification)
"""

from __future__ import annotations

from router.phi.classifier import Classifier, effective_tier
from router.phi.config import PhiConfig
from router.phi.entities import Classification, Entity, EntityType
from router.phi.surrogates import StreamRestorer, SurrogateMap, deidentify_chat

__all__ = [
    "Classification",
    "Classifier",
    "Entity",
    "EntityType",
    "PhiConfig",
    "StreamRestorer",
    "SurrogateMap",
    "deidentify_chat",
    "effective_tier",
]
