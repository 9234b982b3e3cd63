"""An audit trail that writes through to the real one, then hands the SIEM a copy.

One event per request, sent when the record is completed: SIEM users search and alert on
one row per request (who, which workload, which route, what status), as with an access log,
and halving the events halves the SIEM's ingest. Until the response ends, the opening waits
in memory; openings still waiting at shutdown go out as `request.incomplete`.
"""

from __future__ import annotations

import logging

from router.audit.export.event import build_event
from router.audit.export.exporter import AuditExporter
from router.audit.record import AuditClosing, AuditOpening
from router.audit.trail import AuditTrail

log = logging.getLogger(__name__)

# Requests in flight are bounded by the server long before this; the bound only guards
# against a record that is opened and, through a bug, never closed.
MAX_OPEN_RECORDS = 100_000


class ExportingAuditTrail:
    def __init__(
        self, inner: AuditTrail, exporter: AuditExporter, max_open: int = MAX_OPEN_RECORDS
    ) -> None:
        self._inner = inner
        self._exporter = exporter
        self._max_open = max_open
        self._open: dict[str, AuditOpening] = {}

    async def open(self, opening: AuditOpening) -> None:
        await self._inner.open(opening)  # raises when not committed: nothing to export then
        if len(self._open) >= self._max_open:
            oldest = next(iter(self._open))
            self._export(oldest, self._open.pop(oldest), None)
        self._open[opening.request_id] = opening

    async def close(self, request_id: str, closing: AuditClosing) -> None:
        await self._inner.close(request_id, closing)
        self._export(request_id, self._open.pop(request_id, None), closing)

    async def aclose(self) -> None:
        """Called once requests have stopped: flush the exporter, then close the store."""
        for request_id, opening in list(self._open.items()):
            self._export(request_id, opening, None)
        self._open.clear()
        try:
            await self._exporter.stop()
        finally:
            await self._inner.aclose()

    def start(self) -> None:
        self._exporter.start()

    def _export(
        self, request_id: str, opening: AuditOpening | None, closing: AuditClosing | None
    ) -> None:
        try:
            self._exporter.submit(build_event(request_id, opening, closing))
        except Exception as error:  # noqa: BLE001 - export must never fail a request
            log.error("audit event for export could not be built (%s)", type(error).__name__)
            self._exporter.count_lost()
