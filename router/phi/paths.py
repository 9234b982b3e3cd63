"""Paths of text fields inside a request body: "messages[2].content[1].text".

Keys that are not plain identifiers are written as JSON strings: `args["first name"]`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

PathPart = str | int

# Pattern strings, compiled on first use by `re`'s own cache (nothing is done at import).
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*\Z"
_TOKEN = r'\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]'  # noqa: S105 - a path syntax, not a secret


def format_path(parts: Sequence[PathPart]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.match(_IDENTIFIER, part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text


def parse_path(path: str) -> list[PathPart]:
    parts: list[PathPart] = []
    position = 0
    while position < len(path):
        match = re.compile(_TOKEN).match(path, position)
        if match is None:
            raise ValueError("malformed field path")
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(json.loads(quoted))
        position = match.end()
    return parts
