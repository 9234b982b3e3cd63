"""The classifier: scans a request, finds identifiers and health information, and decides
the detected tier.

Rules (see docs/phi-detection.md):
- identifiers together with health information -> `phi_heavy`;
- identifiers without health information -> `sometimes_phi`;
- health information without identifiers, or neither -> `non_phi`.
The router's effective tier is the higher of the declared and the detected one.

A `Classifier` is built once (patterns compiled, name lists loaded) and shared by all
requests: the scanner keeps scratch space per thread, and besides the name recognizer's
per-word judgements the only state that changes is a bounded cache of each field's
detections (offsets and types, no text), keyed by a digest of the field's text: a chat
client resends the whole conversation every turn.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

from router.errors import ClassificationRejected
from router.phi.config import PhiConfig
from router.phi.confusables import ConfusableFolder
from router.phi.encoded import ENCODED_HINTS, encoded_runs
from router.phi.entities import Classification, Entity, EntityType
from router.phi.field_cache import FieldCache
from router.phi.fields import OpaquePart, TextField, extract_chat_fields
from router.phi.health import HealthDetector
from router.phi.lexicon import Lexicon
from router.phi.name_echoes import NameEchoes
from router.phi.normalise import SPACED_DIGITS_HINT, NormalisedText
from router.phi.recognizers import build_recognizers
from router.phi.recognizers.base import Candidate, Pattern
from router.phi.resolve import resolve_overlaps
from router.phi.scanner import Scanner
from router.tiers import Tier

_OPAQUE_TYPES = {"image": EntityType.PHOTO, "audio": EntityType.BIOMETRIC_ID}
# Encodings inside encodings are decoded this many levels deep.
_MAX_DECODING_DEPTH = 2
# How much of each side of a boundary between two fields is scanned joined, so that an
# identifier split across messages ("SSN 123-45" + "-6789") is still seen whole.
_BOUNDARY_WINDOW = 48
_DIGITS = frozenset("0123456789")
_GLUE = frozenset("@.-/_")
_SENTENCE_END = frozenset("!?")
# Builds a named tuple without its Python-level __new__ (the fields are given in order).
_new_tuple = tuple.__new__
# Detections the field cache may hold on average per field (bounds its memory: ~200 bytes
# a detection).
_CACHED_DETECTIONS_PER_FIELD = 25

# A detection in original-text offsets: (start, end, candidate).
_Located = tuple[int, int, Candidate]
# A detection as the field cache holds it: the candidate's fields, its type by value.
_Flat = tuple[int, int, str, int, int, float, str]
_TYPES = {member.value: member for member in EntityType}


class Classifier:
    def __init__(self, config: PhiConfig | None = None) -> None:
        self.config = config or PhiConfig()
        self._health = HealthDetector()
        # Loaded once, only if names are detected: the name recognizer and its echoes share it.
        lexicon = functools.cache(lambda: Lexicon.load(self.config.common_word_min_count))
        self._recognizers = build_recognizers(
            self.config.recognizers,
            lexicon,
            self._health.single_words(),
            frozenset(self.config.system_names),
        )
        self._confusables = ConfusableFolder.load()
        self._echoes = (
            NameEchoes(self._health.single_words(), lexicon().common_words)
            if "name" in self.config.recognizers
            else None
        )
        self._scanner = Scanner(
            [recognizer.patterns() for recognizer in self._recognizers]
            + [self._health.patterns()]
            + [[Pattern("spaced", SPACED_DIGITS_HINT, first_only=True, max_length=0)]]
            + [ENCODED_HINTS]
        )
        self._health_owner = len(self._recognizers)
        self._spacing_owner = self._health_owner + 1
        self._encoded_owner = self._health_owner + 2
        self._cache: FieldCache[_Flat] = FieldCache(
            self.config.field_cache_size,
            self.config.field_cache_size * _CACHED_DETECTIONS_PER_FIELD,
        )

    def clear_cache(self) -> None:
        """Forget every field's detections (benchmarks measure first-time requests)."""
        self._cache.clear()

    def classify_text(self, text: str, *, partition: str = "") -> Classification:
        return self.classify_fields([("text", text)], partition=partition)

    def classify_fields(
        self, fields: Iterable[tuple[str, object]], *, partition: str = ""
    ) -> Classification:
        """Generic fields, e.g. a completions prompt or embeddings inputs.

        `partition` names the caller: only its own earlier fields are answered from the cache.
        """
        texts: list[TextField] = []
        for path, text in fields:
            if not isinstance(text, str):
                raise ClassificationRejected(f"{path} is not text", param=str(path))
            if len(texts) >= self.config.max_fields:
                raise ClassificationRejected("too many text fields to scan", code="too_many_fields")
            texts.append(TextField(path, text, None))
        return self._classify(texts, [], partition)

    def classify_chat(self, body: Mapping[str, object], *, partition: str = "") -> Classification:
        found = extract_chat_fields(
            body, max_depth=self.config.max_depth, max_fields=self.config.max_fields
        )
        return self._classify(found.texts, found.opaque, partition)

    def _classify(
        self, texts: Sequence[TextField], opaque: Sequence[OpaquePart], partition: str
    ) -> Classification:
        total = sum(len(field.text) for field in texts)
        if total > self.config.max_scan_chars:
            raise ClassificationRejected(
                f"content too large to scan ({total} characters, limit "
                f"{self.config.max_scan_chars})",
                code="content_too_large",
            )
        found: list[list[_Located]] = []
        health: set[str] = set()
        for field in texts:
            located, field_health = self._detect_field(field.text, partition)
            found.append(located)
            health |= field_health
        self._join_boundaries(texts, found, partition)
        # Built as tuples, without the named tuple's Python-level __new__ and without a
        # helper call: a request has hundreds of entities.
        entities = [
            _new_tuple(
                Entity,
                (
                    candidate.type,
                    start,
                    end,
                    field.path,
                    field.message_index,
                    candidate.confidence,
                    field.text[start:end],
                    candidate.recognizer,
                ),
            )
            for field, located in zip(texts, found, strict=True)
            for start, end, candidate in located
        ]
        entities.extend(self._opaque_entities(opaque))
        return _decide(tuple(entities), health, has_images=any(p.kind == "image" for p in opaque))

    def _detect_field(self, text: str, partition: str) -> tuple[list[_Located], frozenset[str]]:
        """`_detect` of a whole field (or of two joined at a boundary), through the cache."""
        cache = self._cache
        if not cache.enabled:
            located, health = self._detect(text)
            return located, frozenset(health)
        digest = cache.digest(text, partition)
        entry = cache.get(digest)
        if entry is not None:
            return _thawed(entry[0]), entry[1]
        located, health = self._detect(text)
        frozen = frozenset(health)
        cache.put(digest, _flattened(located), frozen)
        return located, frozen

    def _detect(self, original: str, depth: int = 0) -> tuple[list[_Located], set[str]]:
        """Resolved detections in `original`'s offsets, and the health categories found."""
        normalised = NormalisedText.of(original, self._confusables)
        hits = self._scanner.scan(normalised.text)
        if hits[self._spacing_owner]:
            # Rare: "1 2 3-4 5-6 7 8 9". Join the digits and scan the rewritten text.
            normalised = normalised.with_spaced_digits_joined()
            hits = self._scanner.scan(normalised.text)
        text = normalised.text
        candidates: list[Candidate] = []
        for recognizer, recognizer_hits in zip(self._recognizers, hits, strict=False):
            if recognizer_hits or not recognizer.needs_hits:
                candidates.extend(recognizer.recognize(text, recognizer_hits))
        if self._echoes is not None:
            # Later mentions of a name found once ("Thanks, Emily"), listed before extending.
            candidates.extend(list(self._echoes.find(text, candidates)))
        health = self._health.categories(text, hits[self._health_owner])
        if hits[self._encoded_owner] and depth < _MAX_DECODING_DEPTH:
            hinted = {hit.tag for hit in hits[self._encoded_owner]}
            for start, end, decoded in encoded_runs(text, hinted):
                inner, inner_health = self._detect(decoded, depth + 1)
                health |= inner_health
                # Whatever the decoded text holds is reported over the whole encoded run.
                candidates.extend(
                    Candidate(c.type, start, end, c.confidence, f"decoded_{c.recognizer}")
                    for _, _, c in inner
                )
        resolved = resolve_overlaps(candidates, self.config.min_confidence)
        if not normalised.maps:  # the text was not rewritten: offsets are the original's
            return [(candidate.start, candidate.end, candidate) for candidate in resolved], health
        return [
            (*normalised.to_original(candidate.start, candidate.end), candidate)
            for candidate in resolved
        ], health

    def _join_boundaries(
        self, texts: Sequence[TextField], found: list[list[_Located]], partition: str
    ) -> None:
        """Find identifiers split between consecutive fields; report each field's part."""
        for index in range(len(texts) - 1):
            before, after = texts[index].text, texts[index + 1].text
            tail = before[-_BOUNDARY_WINDOW:]
            head = after[:_BOUNDARY_WINDOW]
            if not tail.strip() or not head.strip() or _ends_sentence(tail):
                continue  # a finished sentence does not continue into the next field
            joiner = " " if _separate_words(tail, head) else ""
            seam = len(tail)
            located, _ = self._detect_field(tail + joiner + head, partition)
            for start, end, candidate in located:
                if start >= seam or end <= seam + len(joiner):
                    continue  # wholly on one side: already found there
                offset = len(before) - len(tail)
                _replace_overlapping(found[index], offset + start, len(before), candidate)
                _replace_overlapping(found[index + 1], 0, end - seam - len(joiner), candidate)

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


def _flattened(located: list[_Located]) -> list[_Flat]:
    """Detections as tuples of numbers and strings only, for the cache to hold.

    The cache packs them (see `FieldCache`), which it can do only for numbers and strings; the
    type is held by its value and the `EntityType` member found again when unpacked.
    """
    return [
        (start, end, c.type.value, c.start, c.end, c.confidence, c.recognizer)
        for start, end, c in located
    ]


def _thawed(flat: Sequence[_Flat]) -> list[_Located]:
    types = _TYPES
    return [
        (start, end, _new_tuple(Candidate, (types[kind], c_start, c_end, confidence, recognizer)))
        for start, end, kind, c_start, c_end, confidence, recognizer in flat
    ]


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip()
    if stripped[-1] in _SENTENCE_END:
        return True
    return stripped[-1] == "." and stripped[-2:-1].isalpha() and stripped[-3:-2].isalpha()


def _separate_words(tail: str, head: str) -> bool:
    """Whether two fields meet between words ("John" | "Smith") rather than inside an
    identifier ("123-45" | "-6789", "john.smith@" | "example.com")."""
    last, first = tail.rstrip()[-1:], head.lstrip()[:1]
    if last in _GLUE or first in _GLUE:
        return False
    return not (last in _DIGITS and first in _DIGITS)


def _replace_overlapping(
    located: list[_Located], start: int, end: int, candidate: Candidate
) -> None:
    """Add a detection over [start, end), dropping those it overlaps."""
    if end <= start:
        return
    located[:] = [item for item in located if item[1] <= start or item[0] >= end]
    located.append((start, end, candidate))
    located.sort(key=lambda item: item[0])


def _decide(entities: tuple[Entity, ...], health: set[str], *, has_images: bool) -> Classification:
    categories = tuple(sorted(health))
    reasons: list[str] = []
    if entities:
        # The members themselves: a StrEnum member is its value, and reading `.value` is
        # a Python-level property call per entity.
        types = sorted({entity.type for entity in entities})
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
