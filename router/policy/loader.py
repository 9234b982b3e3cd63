"""Reading a policy directory into a validated `Policy`, with file and line in every error.

A policy is every `*.yaml` file directly in the directory (tests live in `tests/` beside them).
Each file starts with `apiVersion` and holds any of the sections; sections are merged, and a
name defined twice is an error, so no file can quietly override another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from router.policy.model import API_VERSION, Policy

_SECTIONS = ("routes", "models", "workloads", "tiers")
_SCALAR_SETTINGS = ("mfa_values",)
Location = tuple[str, int]  # file name, 1-based line
PathKey = tuple[str | int, ...]


class PolicyError(Exception):
    """A policy that must not be used; `problems` are `file:line: message` strings."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid policy:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    policy: Policy
    version: str
    directory: Path
    files: tuple[str, ...]


def load_policy(directory: Path) -> LoadedPolicy:
    """Load and validate every policy file in `directory`, or raise `PolicyError`."""
    files = _policy_files(directory)
    merged: dict[str, Any] = {"apiVersion": API_VERSION}
    lines: dict[PathKey, Location] = {}
    problems: list[str] = []
    for path in files:
        problems += _merge_file(path, merged, lines)
    if problems:
        raise PolicyError(problems)
    try:
        policy = Policy.model_validate(merged)
    except ValidationError as error:
        raise PolicyError(locate(error, lines, directory.name)) from None
    return LoadedPolicy(
        policy=policy,
        version=_version(files),
        directory=directory,
        files=tuple(path.name for path in files),
    )


def _policy_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise PolicyError([f"{directory}: not a directory"])
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise PolicyError([f"{directory}: no policy files (*.yaml)"])
    return files


def _version(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def read_located(
    path: Path, shown_as: str | None = None
) -> tuple[Any, dict[PathKey, Location], list[str]]:
    """One YAML file: its document, the line of every node, and its problems.

    Problems (syntax errors, duplicate keys, a document that is not a mapping) are
    `file:line: message` strings; the document is None when there are any of those.
    """
    name = shown_as or path.name
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return (
            None,
            {},
            [f"{name}:{line}: not valid YAML ({getattr(error, 'problem', 'syntax error')})"],
        )
    if not isinstance(document, dict) or node is None:
        return None, {}, [f"{name}:1: the document must be a mapping"]
    problems = _duplicate_keys(node, name)
    return (None if problems else document), dict(_walk_lines(node, name, ())), problems


def locate(error: ValidationError, lines: dict[PathKey, Location], fallback: str) -> list[str]:
    """`file:line: where: message` for each validation error (no input values quoted)."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        loc = tuple(part for part in item["loc"] if not _is_pydantic_tag(part))
        file_name, line = _nearest_line(loc, lines) or (fallback, 0)
        where = ".".join(str(part) for part in loc) or "document"
        problems.append(f"{file_name}:{line}: {where}: {item['msg']}")
    return problems


def _merge_file(path: Path, merged: dict[str, Any], lines: dict[PathKey, Location]) -> list[str]:
    document, file_lines, problems = read_located(path)
    if document is None:
        return problems
    if document.get("apiVersion") != API_VERSION:
        problems.append(f"{path.name}:1: apiVersion must be '{API_VERSION}'")
    for key, value in document.items():
        problems += _merge_section(path.name, key, value, merged, lines, file_lines)
    return problems


def _merge_section(
    file_name: str,
    key: str,
    value: Any,
    merged: dict[str, Any],
    lines: dict[PathKey, Location],
    file_lines: dict[PathKey, Location],
) -> list[str]:
    line = file_lines.get((key,), (file_name, 1))[1]
    if key == "apiVersion":
        return []
    if key in _SCALAR_SETTINGS:
        if key in merged:
            return [f"{file_name}:{line}: '{key}' is set in more than one file"]
        merged[key] = value
        lines.update(file_lines)
        return []
    if key not in _SECTIONS:
        return [f"{file_name}:{line}: unknown section '{key}' (expected {', '.join(_SECTIONS)})"]
    if not isinstance(value, dict):
        return [f"{file_name}:{line}: '{key}' must be a mapping of names"]
    section: dict[str, Any] = merged.setdefault(key, {})
    problems = []
    for name, entry in value.items():
        if name in section:
            first = lines.get((key, name), ("another file", 0))
            problems.append(
                f"{file_name}:{file_lines[(key, name)][1]}: {key}.{name} is already defined "
                f"in {first[0]}:{first[1]}"
            )
            continue
        section[name] = entry
    lines.update({path: loc for path, loc in file_lines.items() if path[:1] == (key,)})
    return problems


def _walk_lines(
    node: yaml.Node, file_name: str, path: PathKey
) -> Iterator[tuple[PathKey, Location]]:
    yield path, (file_name, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            yield from _walk_lines(value_node, file_name, (*path, str(key_node.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk_lines(item, file_name, (*path, index))


def _duplicate_keys(node: yaml.Node, file_name: str) -> list[str]:
    """YAML lets a later key silently replace an earlier one; in a policy that hides mistakes."""
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.value in seen:
                problems.append(
                    f"{file_name}:{key_node.start_mark.line + 1}: duplicate key '{key_node.value}'"
                )
            seen.add(key_node.value)
            problems += _duplicate_keys(value_node, file_name)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _duplicate_keys(item, file_name)
    return problems


def _nearest_line(loc: PathKey, lines: dict[PathKey, Location]) -> Location | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _is_pydantic_tag(part: str | int) -> bool:
    # Validators of dict keys and unions add synthetic parts such as '[key]'.
    return isinstance(part, str) and part.startswith("[")
