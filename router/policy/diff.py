"""What changed between two policies, section by section, for review before a reload."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from router.policy.model import Policy

_SECTIONS = ("routes", "models", "workloads", "tiers")


def policy_diff(old: Policy, new: Policy) -> list[str]:
    """`+ routes.x`, `- workloads.y`, `~ routes.z: baa, enabled` lines; empty when equal."""
    lines: list[str] = []
    for section in _SECTIONS:
        before: Mapping[str, object] = getattr(old, section)
        after: Mapping[str, object] = getattr(new, section)
        for name in sorted(set(before) | set(after), key=str):
            if name not in after:
                lines.append(f"- {section}.{name}")
            elif name not in before:
                lines.append(f"+ {section}.{name}")
            elif before[name] != after[name]:
                lines.append(f"~ {section}.{name}{_changed_fields(before[name], after[name])}")
    if old.mfa_values != new.mfa_values:
        lines.append("~ mfa_values")
    return lines


def _changed_fields(before: object, after: object) -> str:
    if isinstance(before, BaseModel) and isinstance(after, BaseModel):
        fields = [
            name
            for name in type(before).model_fields
            if getattr(before, name) != getattr(after, name)
        ]
        return ": " + ", ".join(fields)
    return ": order or members"  # a tier's route list
