"""The text fields of a chat-completions request, each with its path and message index.

Everything a client could put patient data into is scanned: message content (strings or
content parts), names, refusals, tool-call arguments (strings or objects) and tool results.
The top-level `tools` definitions and routing fields (model, temperature...) are not patient
data and are skipped. Unknown shapes are walked, not ignored: what cannot be scanned is
rejected, never waved through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from router.errors import ClassificationRejected
from router.phi.paths import PathPart, format_path

# Keys whose string values are protocol, not content.
_PROTOCOL_KEYS = frozenset({"role", "type", "tool_call_id", "id", "detail", "format"})
_IMAGE_TYPES = frozenset({"image_url", "input_image", "image"})
_AUDIO_TYPES = frozenset({"input_audio", "audio"})
_UNSCANNABLE_TYPES = frozenset({"file", "input_file"})


@dataclass(frozen=True, slots=True)
class TextField:
    path: str
    text: str
    message_index: int | None


@dataclass(frozen=True, slots=True)
class OpaquePart:
    """A content part that cannot be read as text: an image or a voice recording."""

    path: str
    message_index: int
    kind: str  # "image" or "audio"


@dataclass(slots=True)
class ExtractedFields:
    texts: list[TextField] = field(default_factory=list)
    opaque: list[OpaquePart] = field(default_factory=list)


class _Walker:
    def __init__(self, max_depth: int, max_fields: int) -> None:
        self.max_depth = max_depth
        self.max_fields = max_fields
        self.found = ExtractedFields()

    def message(self, message: object, index: int) -> None:
        if not isinstance(message, Mapping):
            raise ClassificationRejected(
                f"messages[{index}] is not an object", param=f"messages[{index}]"
            )
        for key, value in message.items():
            if key in _PROTOCOL_KEYS:
                continue
            self.value(value, ["messages", index, str(key)], index)

    def value(self, value: object, parts: list[PathPart], index: int | None) -> None:
        if len(parts) > self.max_depth:
            raise ClassificationRejected(
                "content is nested too deeply to be scanned", code="content_too_deep"
            )
        if isinstance(value, str):
            self._text(value, parts, index)
        elif isinstance(value, Mapping):
            self._mapping(value, parts, index)
        elif isinstance(value, list | tuple):
            for position, item in enumerate(value):
                self.value(item, [*parts, position], index)
        elif value is not None and not isinstance(value, bool | int | float):
            raise ClassificationRejected(
                f"unsupported value at {format_path(parts)}", param=format_path(parts)
            )

    def _mapping(
        self, value: Mapping[object, object], parts: list[PathPart], index: int | None
    ) -> None:
        part_type = value.get("type")
        if part_type in _UNSCANNABLE_TYPES:
            raise ClassificationRejected(
                f"{part_type} content parts cannot be scanned", param=format_path(parts)
            )
        if index is not None and (part_type in _IMAGE_TYPES or "image_url" in value):
            self.found.opaque.append(OpaquePart(format_path(parts), index, "image"))
            return
        if index is not None and part_type in _AUDIO_TYPES and "input_audio" in value:
            self.found.opaque.append(OpaquePart(format_path(parts), index, "audio"))
            return
        for key, item in value.items():
            if key in _PROTOCOL_KEYS or (key == "name" and parts[-1:] == ["function"]):
                continue  # a function's name is the tool's, not the patient's
            self.value(item, [*parts, str(key)], index)

    def _text(self, text: str, parts: list[PathPart], index: int | None) -> None:
        if len(self.found.texts) >= self.max_fields:
            raise ClassificationRejected("too many text fields to scan", code="too_many_fields")
        if text:
            self.found.texts.append(TextField(format_path(parts), text, index))


def extract_chat_fields(body: object, *, max_depth: int, max_fields: int) -> ExtractedFields:
    if not isinstance(body, Mapping):
        raise ClassificationRejected("the request body must be a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise ClassificationRejected("messages must be a list", param="messages")
    walker = _Walker(max_depth, max_fields)
    for index, message in enumerate(messages):
        walker.message(message, index)
    return walker.found
