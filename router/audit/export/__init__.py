"""Export of the audit trail to the hospital's SIEM: metadata only, never bodies or values.

`with_siem_export` wraps the trail when sinks are configured; the app starts the exporter
in its lifespan, and closing the trail flushes it.
"""

from __future__ import annotations

from router.audit.export.config import AnySinkSettings
from router.audit.export.exporter import AuditExporter
from router.audit.export.trail import ExportingAuditTrail
from router.audit.trail import AuditTrail
from router.metrics import Metrics

__all__ = ["AuditExporter", "ExportingAuditTrail", "with_siem_export"]


def with_siem_export(
    trail: AuditTrail, sinks: tuple[AnySinkSettings, ...], metrics: Metrics
) -> AuditTrail:
    if not sinks:
        return trail
    return ExportingAuditTrail(trail, AuditExporter.from_settings(sinks, metrics))
