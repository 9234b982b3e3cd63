"""The audit trail in the router's database: metadata per request, written ahead of dispatch."""

from __future__ import annotations

import datetime as dt
import logging

import anyio
from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

from router.audit.record import AuditClosing, AuditOpening
from router.errors import AuditUnavailable
from router.storage.db import Database

log = logging.getLogger(__name__)


def _timestamp(nullable: bool = True) -> Column[dt.datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


class AuditRecordRow(SQLModel, table=True):
    __tablename__ = "audit_records"

    request_id: str = Field(primary_key=True, max_length=64)
    decision_id: str = Field(index=True, max_length=64)
    received_at: dt.datetime = Field(sa_column=_timestamp(nullable=False))
    completed_at: dt.datetime | None = Field(default=None, sa_column=_timestamp())
    principal_kind: str
    principal_subject: str = Field(index=True)
    principal_name: str = ""
    api_key_id: str | None = None
    client_ip: str = ""
    user_agent: str = ""
    endpoint: str
    workload: str = Field(index=True)
    declared_tier: str | None = None
    detected_tier: str
    effective_tier: str = Field(index=True)
    entity_counts: dict[str, int] = Field(sa_column=Column(JSON, nullable=False))
    outcome: str = Field(index=True)
    route: str | None = Field(default=None, index=True)
    rule: str
    policy_version: str
    reason: str
    logical_model: str
    upstream_model: str | None = None
    deidentified: bool = False
    status_code: int | None = None
    error_class: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    router_ms: float | None = None
    upstream_ms: float | None = None
    total_ms: float | None = None


class SqlAuditTrail:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def open(self, opening: AuditOpening) -> None:
        try:
            await anyio.to_thread.run_sync(self._insert, opening)
        except Exception:  # noqa: BLE001 - any storage failure refuses the request
            log.error("audit record could not be written; refusing the request")
            raise AuditUnavailable(
                "The audit trail is unavailable, so the request was not forwarded."
            ) from None

    async def close(self, request_id: str, closing: AuditClosing) -> None:
        try:
            await anyio.to_thread.run_sync(self._update, request_id, closing)
        except Exception:  # noqa: BLE001 - the response is already out; record the failure
            log.error("audit record %s could not be completed", request_id)

    async def aclose(self) -> None:
        """Writes are synchronous per call; nothing is buffered."""

    def _insert(self, opening: AuditOpening) -> None:
        principal = opening.principal
        row = AuditRecordRow(
            request_id=opening.request_id,
            decision_id=opening.decision_id,
            received_at=opening.received_at,
            principal_kind=principal.kind.value,
            principal_subject=principal.subject,
            principal_name=principal.name,
            api_key_id=principal.key_id,
            client_ip=opening.client_ip,
            user_agent=opening.user_agent[:300],
            endpoint=opening.endpoint,
            workload=opening.workload,
            declared_tier=opening.declared_tier,
            detected_tier=opening.detected_tier,
            effective_tier=opening.effective_tier,
            entity_counts=opening.entity_counts,
            outcome=opening.outcome,
            route=opening.route,
            rule=opening.rule,
            policy_version=opening.policy_version,
            reason=opening.reason,
            logical_model=opening.logical_model,
            upstream_model=opening.upstream_model,
            deidentified=opening.deidentified,
        )
        with self._database.session() as session:
            session.add(row)
            session.commit()

    def _update(self, request_id: str, closing: AuditClosing) -> None:
        with self._database.session() as session:
            row = session.get(AuditRecordRow, request_id)
            if row is None:
                log.error("audit record %s is missing at completion", request_id)
                return
            row.completed_at = closing.completed_at
            row.status_code = closing.status_code
            row.error_class = closing.error_class
            row.route = closing.route or row.route
            row.prompt_tokens = closing.prompt_tokens
            row.completion_tokens = closing.completion_tokens
            row.router_ms = closing.router_ms
            row.upstream_ms = closing.upstream_ms
            row.total_ms = closing.total_ms
            session.add(row)
            session.commit()
