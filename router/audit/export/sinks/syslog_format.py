"""RFC 5424 syslog messages, with the event as JSON, as structured data, or as CEF."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from collections.abc import Callable
from typing import Any

import orjson

from router import __version__
from router.audit.export.config import SyslogSinkSettings
from router.audit.export.event import Event

_NIL = "-"
_MSGID = "audit"
# RFC 5424 severities: 4 warning, 5 notice, 6 informational.
_WARNING, _NOTICE, _INFO = 4, 5, 6


def severity(event: Event) -> int:
    """Refusals and denials are notices; server-side failures and cut-off records warnings."""
    status = event.get("status_code")
    if status is None or status >= 500:
        return _WARNING
    return _NOTICE if status >= 400 else _INFO


class SyslogFormatter:
    def __init__(self, settings: SyslogSinkSettings) -> None:
        self._facility = settings.facility
        self._hostname = settings.hostname or _printable(socket.gethostname()) or _NIL
        self._app_name = settings.app_name
        self._sd_id = settings.sd_id
        self._procid = str(os.getpid())
        bodies: dict[str, Callable[[Event], tuple[str, str]]] = {
            "json": self._json,
            "structured_data": self._structured_data,
            "cef": self._cef,
        }
        self._body = bodies[settings.format]

    def format(self, event: Event) -> bytes:
        """One SYSLOG-MSG. The MSG carries no BOM: SIEM JSON and CEF parsers expect none, and
        RFC 5424 allows MSG-ANY."""
        prival = self._facility * 8 + severity(event)
        stamp = event.get("time") or _now()
        structured, message = self._body(event)
        header = f"<{prival}>1 {stamp} {self._hostname} {self._app_name} {self._procid} {_MSGID}"
        line = f"{header} {structured}" + (f" {message}" if message else "")
        return line.encode()

    def _json(self, event: Event) -> tuple[str, str]:
        return _NIL, orjson.dumps(event).decode()

    def _structured_data(self, event: Event) -> tuple[str, str]:
        params = " ".join(
            f'{name[:32]}="{_sd_escape(text)}"'
            for name, value in event.items()
            if (text := _flat(value)) is not None
        )
        summary = f"{event.get('outcome', 'request')} {event['request_id']}"
        return f"[{self._sd_id} {params}]", summary

    def _cef(self, event: Event) -> tuple[str, str]:
        return _NIL, cef_message(event)


def cef_message(event: Event) -> str:
    """ArcSight CEF:0; custom strings carry what has no standard key."""
    outcome = str(event.get("outcome") or "incomplete")
    header = "|".join(
        _cef_header(part)
        for part in (
            "CEF:0",
            "sovereign-router",
            "sovereign-router",
            __version__,
            outcome,
            f"AI request {outcome}",
            str(_cef_severity(event.get("status_code"))),
        )
    )
    pairs = _cef_pairs(event)
    extension = " ".join(f"{key}={_cef_value(value)}" for key, value in pairs if value != "")
    return f"{header}|{extension}"


def _cef_severity(status: int | None) -> int:
    if status is None or status >= 500:
        return 7
    return 5 if status >= 400 else 3


def _cef_pairs(event: Event) -> list[tuple[str, str]]:
    def text(key: str) -> str:
        return _flat(event.get(key)) or ""

    pairs = [
        ("rt", _epoch_ms(event.get("time"))),
        ("start", _epoch_ms(event.get("received_at"))),
        ("end", _epoch_ms(event.get("completed_at"))),
        ("externalId", text("request_id")),
        ("suser", text("principal_subject")),
        ("suid", text("api_key_id")),
        ("requestClientApplication", text("user_agent")),
        ("app", text("endpoint")),
        ("outcome", text("status_code")),
        ("destinationServiceName", text("upstream_model")),
        ("msg", text("reason")),
    ]
    if _is_ip(event.get("client_ip")):
        pairs.append(("src", str(event["client_ip"])))
    custom = [
        ("workload", "workload"),
        ("route", "route"),
        ("effectiveTier", "effective_tier"),
        ("rule", "rule"),
        ("policyVersion", "policy_version"),
        ("decisionId", "decision_id"),
    ]
    for index, (label, key) in enumerate(custom, start=1):
        pairs += [(f"cs{index}Label", label), (f"cs{index}", text(key))]
    pairs += [("flexString1Label", "entityCounts"), ("flexString1", text("entity_counts"))]
    return pairs


def _flat(value: Any) -> str | None:
    """A scalar rendering for structured data and CEF: lists comma-joined, counts as k:n."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ",".join(f"{key}:{count}" for key, count in value.items())
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def _sd_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _cef_header(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _cef_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace("=", "\\=").replace("\r", "\\r").replace("\n", "\\n")


def _epoch_ms(stamp: object) -> str:
    if not isinstance(stamp, str):
        return ""
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return str(int(moment.timestamp() * 1000))


def _is_ip(value: object) -> bool:
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return True


def _printable(name: str) -> str:
    return "".join(char for char in name if "!" <= char <= "~")[:255]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
