"""Attempts to slip identifiers past the classifier (issue 10, PHI evasion).

Each case is a chat request hiding at least one identifier; it is caught when the detected
tier is not `non_phi` or the classifier refuses the request. `secret` is a value that
must not survive de-identification. `known_miss` names the cases the classifier does not
catch yet, with the reason: tests/phi/test_evasion.py marks them xfail(strict=True), so a
fix shows up as an unexpected pass. benchmarks/phi_evasion.py prints the catch rate.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote


@dataclass(frozen=True)
class Evasion:
    id: str
    kind: str
    body: dict[str, Any]
    secret: str = ""
    known_miss: str = ""


def _user(*texts: str) -> dict[str, Any]:
    return {"model": "m", "messages": [{"role": "user", "content": text} for text in texts]}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _tool_result(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": "m",
        "messages": [
            {"role": "user", "content": "Look up the record."},
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "ehr", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": json.dumps(payload)},
        ],
    }


def _tool_call(arguments: Any) -> dict[str, Any]:
    encoded = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {
        "model": "m",
        "messages": [
            {"role": "user", "content": "File this."},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "file_note", "arguments": encoded},
                    }
                ],
            },
        ],
    }


CYRILLIC_JOHN_SMITH = "\u0408\u043ehn \u0405m\u0456th"  # "John Smith", Cyrillic look-alikes
GREEK_MARK_TAYLOR = "\u039c\u03b1rk \u03a4\u03b1ylor"  # "Mark Taylor", Greek look-alikes

CORPUS: tuple[Evasion, ...] = (
    # Look-alike letters of other scripts.
    Evasion("cyrillic-name", "confusables", _user(f"Patient {CYRILLIC_JOHN_SMITH} has diabetes.")),
    Evasion("greek-name", "confusables", _user(f"Seen today: {GREEK_MARK_TAYLOR}, COPD flare.")),
    Evasion(
        "cyrillic-email",
        "confusables",
        _user("Write to j\u043ehn.d\u043ee@gm\u0430il.c\u043em about the results."),
        secret="j\u043ehn.d\u043ee@gm\u0430il.c\u043em",
    ),
    Evasion("cyrillic-ssn-cue", "confusables", _user("\u0405\u0405N 123 45 6789 for the claim")),
    Evasion("cyrillic-mrn-cue", "confusables", _user("\u041cRN: 4455667, chest pain")),
    Evasion(
        "arabic-digits",
        "confusables",
        _user("SSN \u0661\u0662\u0663-\u0664\u0665-\u0666\u0667\u0668\u0669"),
    ),
    Evasion(
        "devanagari-phone",
        "confusables",
        _user("call me at \u096b\u096b\u096b-\u096e\u096c\u096d-\u096b\u0969\u0966\u096f"),
    ),
    # Full-width forms.
    Evasion(
        "fullwidth-ssn",
        "full-width",
        _user("SSN " + _fullwidth("123-45-6789")),
        secret=_fullwidth("123-45-6789"),
    ),
    Evasion("fullwidth-phone", "full-width", _user("call " + _fullwidth("555-867-5309"))),
    Evasion("fullwidth-name", "full-width", _user(_fullwidth("John Smith") + " has CHF.")),
    Evasion("fullwidth-email", "full-width", _user("mail " + _fullwidth("jsmith@example.org"))),
    # Digits spelled out with spaces or dots.
    Evasion("spaced-ssn", "spaced digits", _user("ssn 1 2 3 - 4 5 - 6 7 8 9"), secret="6 7 8 9"),
    Evasion("spaced-ssn-tight", "spaced digits", _user("SSN 1 2 3-4 5-6 7 8 9")),
    Evasion("dotted-ssn", "spaced digits", _user("SSN 1.2.3.4.5.6.7.8.9")),
    Evasion("spaced-phone", "spaced digits", _user("phone 5 5 5 8 6 7 5 3 0 9")),
    Evasion("spaced-mrn", "spaced digits", _user("MRN 7 7 3 4 1 2 9, admitted with sepsis")),
    # Invisible characters inside identifiers.
    Evasion("zwsp-ssn", "zero-width", _user("SSN 123\u200b-45-\u200b6789"), secret="45-\u200b6789"),
    Evasion("zwj-email", "zero-width", _user("email john\u200d.smith@exam\u200dple.com")),
    Evasion("zwsp-name", "zero-width", _user("Jo\u200bhn Sm\u200bith was admitted with CHF.")),
    Evasion("word-joiner-phone", "zero-width", _user("call 555\u2060-867-\u20605309")),
    Evasion(
        "soft-hyphen-name", "zero-width", _user("Mar\u00adgaret Thomp\u00adson, 72, on warfarin")
    ),
    Evasion("bom-mrn", "zero-width", _user("MRN \ufeff12\ufeff34\ufeff567")),
    # Encoded identifiers.
    Evasion(
        "base64-ssn",
        "base64",
        _user("decode this: " + _b64("SSN 123-45-6789")),
        secret=_b64("SSN 123-45-6789"),
    ),
    Evasion(
        "base64-note", "base64", _user(_b64("Patient John Smith, DOB 04/12/1961, has sepsis."))
    ),
    Evasion("base64-email", "base64", _user("contact " + _b64("maria.garcia@example.com"))),
    Evasion("base64-nested", "base64", _user(_b64(_b64("SSN 123-45-6789")))),
    Evasion("url-encoded-note", "URL encoding", _user("q=" + quote("John Smith SSN 123-45-6789"))),
    Evasion(
        "url-encoded-every-char",
        "URL encoding",
        _user("".join(f"%{ord(c):02X}" for c in "John Smith 555-867-5309")),
    ),
    Evasion(
        "url-encoded-email",
        "URL encoding",
        _user("to=john%2Esmith%40example%2Ecom"),
        secret="john%2Esmith%40example%2Ecom",
    ),
    # Split across messages.
    Evasion("split-ssn", "split across messages", _user("my ssn is 123-45", "-6789 thanks")),
    Evasion("split-phone", "split across messages", _user("call me at 555-86", "7-5309")),
    Evasion("split-email", "split across messages", _user("mail john.smith@", "example.com")),
    Evasion("split-name", "split across messages", _user("the patient is John", "Smith")),
    # Inside tool results and function-call arguments.
    Evasion(
        "tool-result-record",
        "tool results",
        _tool_result({"patient_name": "Maria Garcia", "dob": "1961-04-12", "dx": "CHF"}),
    ),
    Evasion("tool-result-ssn", "tool results", _tool_result({"ssn": "123-45-6789"})),
    Evasion("tool-args-string", "function arguments", _tool_call('{"ssn": "123-45-6789"}')),
    Evasion(
        "tool-args-nested",
        "function arguments",
        _tool_call({"note": {"patient": {"name": "Ahmed Khan", "mrn": "MRN 8812345"}}}),
    ),
    Evasion(
        "tool-args-base64",
        "function arguments",
        _tool_call({"blob": _b64("Patient Ahmed Khan, MRN 8812345")}),
    ),
    # Names in capitals.
    Evasion("caps-name-dob", "ALL CAPS", _user("PATIENT: JOHN SMITH, DOB 04/12/1961")),
    Evasion("caps-name-admitted", "ALL CAPS", _user("MARIA GARCIA ADMITTED WITH PNEUMONIA")),
    Evasion("caps-last-first", "ALL CAPS", _user("SMITH, JOHN - FOLLOW UP IN CLINIC")),
    Evasion("caps-name-only", "ALL CAPS", _user("PLEASE CALL BACK ROBERT JOHNSON TODAY")),
    # Combinations.
    Evasion(
        "fullwidth-and-zwsp",
        "combined",
        _user("SSN " + _fullwidth("123") + "\u200b-" + _fullwidth("45") + "-\u200b6789"),
    ),
    Evasion("cyrillic-in-base64", "combined", _user(_b64(f"Patient {CYRILLIC_JOHN_SMITH}, CHF"))),
    # Known misses: listed so that a fix shows (xfail strict).
    Evasion(
        "spelled-out-ssn",
        "spelled out",
        _user("ssn one two three four five six seven eight nine"),
        secret="seven eight nine",
        known_miss="digits written as words are not read as numbers",
    ),
    Evasion(
        "letter-spaced-name",
        "spaced letters",
        _user("the patient is j o h n s m i t h"),
        known_miss="letters spelled out one by one are not joined into words",
    ),
    Evasion(
        "leetspeak-name",
        "leetspeak",
        _user("pt J0hn Sm1th"),
        known_miss="digits standing in for letters in names are not folded",
    ),
)
