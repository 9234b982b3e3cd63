"""Audit records and metric readings the export tests share."""

from __future__ import annotations

import datetime as dt

from router.audit.export.event import Event, build_event
from router.audit.record import AuditClosing, AuditOpening
from router.identity.principal import Principal, PrincipalKind
from router.metrics import Metrics

# Appears in every test body: it must never reach a sink.
PROMPT = "Patient Jane Doe, MRN 12345678, chest pain"
RECEIVED = dt.datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)


def opening(request_id: str = "req_1", **changes: object) -> AuditOpening:
    fields: dict[str, object] = {
        "request_id": request_id,
        "decision_id": f"dec_{request_id}",
        "received_at": RECEIVED,
        "principal": Principal(
            kind=PrincipalKind.API_KEY,
            subject="key:srk_abc",
            name="discharge-app",
            key_id="srk_abc",
            groups=frozenset({"nursing", "apps"}),
        ),
        "client_ip": "10.1.2.3",
        "user_agent": "OpenAI/Python 2.54.0",
        "endpoint": "chat",
        "workload": "clinical",
        "declared_tier": "phi_heavy",
        "detected_tier": "phi_heavy",
        "effective_tier": "phi_heavy",
        "entity_counts": {"NAME": 1, "MRN": 1},
        "outcome": "route",
        "route": "local-vllm",
        "rule": "tiers.phi_heavy[0]",
        "policy_version": "sha256:abc",
        "reason": "phi_heavy goes on premises",
        "logical_model": "clinical",
        "upstream_model": "llama-3",
        "deidentified": False,
        "request_body": PROMPT.encode(),
    }
    fields.update(changes)
    return AuditOpening(**fields)  # type: ignore[arg-type]


def closing(status_code: int = 200, **changes: object) -> AuditClosing:
    fields: dict[str, object] = {
        "status_code": status_code,
        "completed_at": RECEIVED + dt.timedelta(seconds=2),
        "forwarded_at": RECEIVED + dt.timedelta(milliseconds=5),
        "first_token_at": RECEIVED + dt.timedelta(milliseconds=300),
        "prompt_tokens": 12,
        "completion_tokens": 34,
        "router_ms": 4.25,
        "upstream_ms": 1990.0,
        "total_ms": 2000.123456,
        "response_body": b"The answer for Jane Doe",
    }
    fields.update(changes)
    return AuditClosing(**fields)  # type: ignore[arg-type]


def events(count: int, prefix: str = "req") -> list[Event]:
    return [
        build_event(f"{prefix}_{index}", opening(f"{prefix}_{index}"), closing())
        for index in range(count)
    ]


def sample(metrics: Metrics, name: str, sink: str) -> float:
    value = metrics.registry.get_sample_value(name, {"sink": sink})
    return 0.0 if value is None else value
