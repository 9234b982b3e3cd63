"""De-identification with typed surrogates, and re-identification of the response.

Each distinct value becomes `[TYPE_n]` ("[NAME_1]", "[DATE_2]"), the same value getting the
same surrogate everywhere in the request. The response is restored from the map, also when
streamed and a surrogate is split across chunks ("[NA" + "ME_1]").
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Mapping

from router.phi.entities import Classification, Entity, EntityType
from router.phi.paths import PathPart, parse_path

_SURROGATE = r"\[([A-Z][A-Z0-9_]*?)_(\d+)\]"
# The longest prefix a held-back chunk may have: "[AGE_OVER_89_" plus digits and "]".
_MAX_SURROGATE_LENGTH = 32


def _value_key(entity_type: EntityType, value: str) -> tuple[EntityType, str]:
    # "JOHN SMITH" and "John  Smith" are the same person.
    return entity_type, " ".join(value.casefold().split())


class SurrogateMap:
    """Surrogates of one request; not shared between requests."""

    def __init__(self) -> None:
        self._by_value: dict[tuple[EntityType, str], str] = {}
        self._originals: dict[str, str] = {}
        self._counters: defaultdict[EntityType, int] = defaultdict(int)

    def surrogate_for(self, entity_type: EntityType, value: str, *, restorable: bool = True) -> str:
        key = _value_key(entity_type, value)
        surrogate = self._by_value.get(key)
        if surrogate is None:
            self._counters[entity_type] += 1
            surrogate = f"[{entity_type.value}_{self._counters[entity_type]}]"
            self._by_value[key] = surrogate
            # An image is not put back into text: its surrogate stays as it is.
            self._originals[surrogate] = value if restorable else surrogate
        return surrogate

    def __len__(self) -> int:
        return len(self._originals)

    def restore(self, text: str) -> str:
        if not self._originals or "[" not in text:
            return text
        return re.sub(_SURROGATE, self._original_or_same, text)

    def _original_or_same(self, match: re.Match[str]) -> str:
        return self._originals.get(match.group(), match.group())

    def stream_restorer(self) -> StreamRestorer:
        return StreamRestorer(self)


class StreamRestorer:
    """Restores surrogates in streamed text, holding back only a possible partial one."""

    def __init__(self, surrogates: SurrogateMap) -> None:
        self._surrogates = surrogates
        self._pending = ""

    def feed(self, chunk: str) -> str:
        text = self._pending + chunk
        cut = self._safe_cut(text)
        self._pending = text[cut:]
        return self._surrogates.restore(text[:cut])

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return self._surrogates.restore(text)

    @staticmethod
    def _safe_cut(text: str) -> int:
        bracket = text.rfind("[", max(0, len(text) - _MAX_SURROGATE_LENGTH))
        if bracket == -1:
            return len(text)
        tail = text[bracket:]
        if re.fullmatch(r"\[(?:[A-Z][A-Z0-9_]*)?", tail):
            return bracket  # may still become "[NAME_1]"
        return len(text)


def deidentify_text(text: str, entities: list[Entity], surrogates: SurrogateMap) -> str:
    pieces: list[str] = []
    cursor = 0
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.start < cursor:
            continue
        pieces.append(text[cursor : entity.start])
        pieces.append(surrogates.surrogate_for(entity.type, text[entity.start : entity.end]))
        cursor = entity.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def deidentify_chat(
    body: Mapping[str, object], classification: Classification
) -> tuple[dict[str, object], SurrogateMap]:
    """A deep copy of the body with every entity replaced by its surrogate."""
    new_body: dict[str, object] = copy.deepcopy(dict(body))
    surrogates = SurrogateMap()
    by_path: defaultdict[str, list[Entity]] = defaultdict(list)
    for entity in classification.entities:
        by_path[entity.path].append(entity)
    # Entities come in request order, so numbering follows the order of first appearance.
    for path, entities in by_path.items():
        parts = parse_path(path)
        if any(entity.type is EntityType.PHOTO and entity.end == 0 for entity in entities):
            surrogate = surrogates.surrogate_for(EntityType.PHOTO, path, restorable=False)
            _replace(new_body, parts, {"type": "text", "text": surrogate})
            continue
        current = _get(new_body, parts)
        if isinstance(current, str):
            _replace(new_body, parts, deidentify_text(current, entities, surrogates))
    return new_body, surrogates


def _get(root: object, parts: list[PathPart]) -> object:
    node = root
    for part in parts:
        node = node[part]  # type: ignore[index]
    return node


def _replace(root: object, parts: list[PathPart], value: object) -> None:
    parent = _get(root, parts[:-1])
    parent[parts[-1]] = value  # type: ignore[index]
