"""The audit trail interface the request path writes to."""

from __future__ import annotations

from typing import Protocol

from router.audit.record import AuditClosing, AuditOpening


class AuditTrail(Protocol):
    async def open(self, opening: AuditOpening) -> None:
        """Commit the record; raise `router.errors.AuditUnavailable` if it cannot be."""
        ...

    async def close(self, request_id: str, closing: AuditClosing) -> None:
        """Complete the record. Never raises: a failure is logged and counted."""
        ...

    async def aclose(self) -> None: ...
