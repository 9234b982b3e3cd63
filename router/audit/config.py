"""Settings of the audit trail: where its keys come from and how long records are kept.

Read as `Settings.audit`, e.g. `SOVEREIGN_ROUTER_AUDIT__KEY_FILE`. See docs/audit.md for the key
ring and how rotation works.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

SIX_YEARS_DAYS = 2192  # six calendar years can span two leap days


class AuditSettings(BaseModel):
    """Keys and retention of the audit trail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_file: Path | None = Field(
        default=None,
        description="File holding one key-encryption key: 32 random bytes, base64 "
        "(`openssl rand -base64 32`). The Helm chart mounts its Secret here.",
    )
    key: SecretStr | None = Field(
        default=None, description="One key-encryption key (32 bytes, base64) given directly."
    )
    key_dir: Path | None = Field(
        default=None,
        description="The key ring: a directory of `<key id>.key` files and an `ACTIVE` file; "
        "`audit rotate-key` writes here. Defaults to `<data_dir>/audit-keys`.",
    )
    active_key_id: str | None = Field(
        default=None,
        description="Key id that encrypts new records; default: the key ring's `ACTIVE` file, "
        "else the key from `key`, else the one in `key_file`.",
    )
    retention_days: int = Field(
        default=SIX_YEARS_DAYS, ge=1, description="How long records are kept (six years)."
    )
    workload_retention_days: dict[str, int] = Field(
        default_factory=dict, description="Longer or shorter retention for named workloads."
    )
    batch_max_records: int = Field(
        default=256, ge=1, description="Most records one group commit writes at once."
    )
    closing_linger_seconds: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="How long a closing entry may wait to share the next opening's commit. "
        "Closings are written after the response has gone, so nobody waits for them; 0 "
        "commits each at once.",
    )

    def retention_for(self, workload: str) -> int:
        return self.workload_retention_days.get(workload, self.retention_days)
