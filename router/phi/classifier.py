"""The classifier: scans a request, finds identifiers and health information, and decides
the detected tier.

Rules (see docs/phi-detection.md):
- identifiers together with health information -> `phi_heavy`;
- identifiers without health information -> `sometimes_phi`;
- health information without identifiers, or neither -> `non_phi`.
The router's effective tier is the higher of the declared and the detected one.

A `Classifier` is built once (patterns compiled, name lists loaded) and shared by all
requests: it holds no per-request state, and the scanner keeps scratch space per thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from router.errors import ClassificationRejected
from router.phi.config import PhiConfig
from router.phi.entities import Classification, Entity, EntityType
from router.phi.fields import OpaquePart, TextField, extract_chat_fields
from router.phi.health import HealthDetector
from router.phi.lexicon import Lexicon
from router.phi.normalise import SPACED_DIGITS_HINT, NormalisedText
from router.phi.recognizers import build_recognizers
from router.phi.recognizers.base import Candidate, Pattern
from router.phi.resolve import resolve_overlaps
from router.phi.scanner import Scanner
from router.tiers import Tier

_OPAQUE_TYPES = {"image": EntityType.PHOTO, "audio": EntityType.BIOMETRIC_ID}


class Classifier:
    def __init__(self, config: PhiConfig | None = None) -> None:
        self.config = config or PhiConfig()
        self._health = HealthDetector()
        self._recognizers = build_recognizers(
            self.config.recognizers,
            lambda: Lexicon.load(self.config.common_word_min_count),
            self._health.single_words(),
        )
        self._scanner = Scanner(
            [recognizer.patterns() for recognizer in self._recognizers]
            + [self._health.patterns()]
            + [[Pattern("spaced", SPACED_DIGITS_HINT, first_only=True, max_length=0)]]
        )
        self._health_owner = len(self._recognizers)
        self._spacing_owner = self._health_owner + 1

    def classify_text(self, text: str) -> Classification:
        return self.classify_fields([("text", text)])

    def classify_fields(self, fields: Iterable[tuple[str, object]]) -> Classification:
        """Generic fields, e.g. a completions prompt or embeddings inputs."""
        texts: list[TextField] = []
        for path, text in fields:
            if not isinstance(text, str):
                raise ClassificationRejected(f"{path} is not text", param=str(path))
            if len(texts) >= self.config.max_fields:
                raise ClassificationRejected("too many text fields to scan", code="too_many_fields")
            texts.append(TextField(path, text, None))
        return self._classify(texts, [])

    def classify_chat(self, body: Mapping[str, object]) -> Classification:
        found = extract_chat_fields(
            body, max_depth=self.config.max_depth, max_fields=self.config.max_fields
        )
        return self._classify(found.texts, found.opaque)

    def _classify(self, texts: Sequence[TextField], opaque: Sequence[OpaquePart]) -> Classification:
        total = sum(len(field.text) for field in texts)
        if total > self.config.max_scan_chars:
            raise ClassificationRejected(
                f"content too large to scan ({total} characters, limit "
                f"{self.config.max_scan_chars})",
                code="content_too_large",
            )
        entities: list[Entity] = []
        health: set[str] = set()
        for field in texts:
            field_entities, field_health = self._scan_field(field)
            entities.extend(field_entities)
            health |= field_health
        entities.extend(self._opaque_entities(opaque))
        return _decide(tuple(entities), health, has_images=any(p.kind == "image" for p in opaque))

    def _scan_field(self, field: TextField) -> tuple[list[Entity], set[str]]:
        normalised = NormalisedText.of(field.text)
        hits = self._scanner.scan(normalised.text)
        if hits[self._spacing_owner]:
            # Rare: "1 2 3-4 5-6 7 8 9". Join the digits and scan the rewritten text.
            normalised = normalised.with_spaced_digits_joined()
            hits = self._scanner.scan(normalised.text)
        text = normalised.text
        candidates: list[Candidate] = []
        for recognizer, recognizer_hits in zip(self._recognizers, hits, strict=False):
            candidates.extend(recognizer.recognize(text, recognizer_hits))
        health = self._health.categories(text, hits[self._health_owner])
        entities = []
        for candidate in resolve_overlaps(candidates, self.config.min_confidence):
            start, end = normalised.to_original(candidate.start, candidate.end)
            entities.append(
                Entity(
                    type=candidate.type,
                    start=start,
                    end=end,
                    path=field.path,
                    message_index=field.message_index,
                    confidence=candidate.confidence,
                    text=field.text[start:end],
                    recognizer=candidate.recognizer,
                )
            )
        return entities, health

    def _opaque_entities(self, opaque: Sequence[OpaquePart]) -> list[Entity]:
        entities = []
        for part in opaque:
            if part.kind == "image" and not self.config.image_parts_are_photos:
                continue
            entities.append(
                Entity(
                    type=_OPAQUE_TYPES[part.kind],
                    start=0,
                    end=0,
                    path=part.path,
                    message_index=part.message_index,
                    confidence=0.5,
                    text="",
                    recognizer=f"{part.kind}_part",
                )
            )
        return entities


def _decide(entities: tuple[Entity, ...], health: set[str], *, has_images: bool) -> Classification:
    categories = tuple(sorted(health))
    reasons: list[str] = []
    if entities:
        types = sorted({entity.type.value for entity in entities})
        count = len(entities)
        noun = "identifier" if count == 1 else "identifiers"
        summary = f"{count} {noun} ({', '.join(types)})"
        if health:
            tier = Tier.PHI_HEAVY
            reasons.append(f"{summary} with health information ({', '.join(categories)})")
        else:
            tier = Tier.SOMETIMES_PHI
            reasons.append(f"{summary} without health information")
    else:
        tier = Tier.NON_PHI
        if health:
            reasons.append(f"health information ({', '.join(categories)}) without identifiers")
        else:
            reasons.append("no identifiers or health information found")
    if has_images:
        reasons.append("image content treated as a possible full-face photograph")
    return Classification(
        tier=tier,
        entities=entities,
        reasons=tuple(reasons),
        has_health_information=bool(health),
        health_categories=categories,
    )


def effective_tier(declared: Tier, detected: Classification) -> Tier:
    """Detection can raise the declared tier of a workload, never lower it."""
    return Tier.highest(declared, detected.tier)
