"""Identifiers hidden in encodings: base64 runs and percent-encoded runs.

"U1NOIDEyMy00NS02Nzg5" is "SSN 123-45-6789" to anyone who decodes it, including a model.
The classifier decodes plausible runs and scans the decoded text too; what it finds there
is reported over the encoded run in the original text. A run counts as plausible when it
decodes to text that is mostly printable (random IDs and hashes decode to binary and are
left alone).
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import unquote_plus

from router.phi.recognizers.base import Pattern

# Hyperscan hints that a field may hold an encoded run; the runs are then found with `re`.
ENCODED_HINTS = (
    Pattern("base64", r"[A-Za-z0-9+/]{16}", first_only=True, max_length=0),
    Pattern("percent", r"%[0-9A-Fa-f]{2}", first_only=True, max_length=0),
)
# Pattern strings, compiled on first use by `re`'s own cache.
_BASE64_RUN = r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])"
_PERCENT_UNIT = r"(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~+\-@:/])"
_PERCENT_RUN = rf"{_PERCENT_UNIT}*%[0-9A-Fa-f]{{2}}{_PERCENT_UNIT}*"
_PRINTABLE_SHARE = 0.9


def encoded_runs(text: str, hinted: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, decoded text) for each run that decodes to readable text."""
    runs: list[tuple[int, int, str]] = []
    if "base64" in hinted:
        for match in re.finditer(_BASE64_RUN, text):
            decoded = _base64_text(match.group())
            if decoded is not None:
                runs.append((match.start(), match.end(), decoded))
    if "percent" in hinted:
        for match in re.finditer(_PERCENT_RUN, text):
            if match.group().count("%") >= 2:
                runs.append((match.start(), match.end(), unquote_plus(match.group())))
    return runs


def _base64_text(run: str) -> str | None:
    if run.isalpha() and (run.islower() or run.isupper()):
        return None  # a long word or an upper-case code, not base64
    padded = run + "=" * (-len(run) % 4)
    try:
        raw = base64.b64decode(padded, validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None  # UnicodeDecodeError is a ValueError
    printable = sum(char.isprintable() or char in "\n\t" for char in decoded)
    if not decoded or printable < _PRINTABLE_SHARE * len(decoded):
        return None
    return decoded
