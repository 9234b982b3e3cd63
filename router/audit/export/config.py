"""Settings of the SIEM sinks: the `siem` list in `router.settings.Settings`.

Each sink is a strict model chosen by its `kind`. From the environment the list is JSON, e.g.
`SOVEREIGN_ROUTER_SIEM='[{"kind": "syslog", "host": "siem.example", "transport": "tls",
"ca_file": "/etc/ssl/siem-ca.pem"}]'`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, model_validator


class SinkSettings(BaseModel):
    """What every sink shares: its bounded queue, batching, retries and shutdown."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    name: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="The `sink` label of the export metrics; defaults to the kind.",
    )
    queue_size: int = Field(
        default=10_000, ge=1, description="Events waiting for this sink; more are dropped."
    )
    batch_size: int = Field(default=100, ge=1, le=10_000)
    linger_seconds: float = Field(
        default=0.05, ge=0, description="How long a partial batch waits for more events."
    )
    retry_initial_seconds: float = Field(default=0.5, gt=0)
    retry_max_seconds: float = Field(default=30.0, gt=0)
    shutdown_timeout_seconds: float = Field(
        default=5.0, ge=0, description="How long shutdown waits for the queue to drain."
    )

    @property
    def label(self) -> str:
        return self.name or self.kind


class FileSinkSettings(SinkSettings):
    """JSON lines appended to a file, rotated by size (`path.1` is the newest old file)."""

    kind: Literal["file"] = "file"
    path: Path
    max_bytes: int = Field(default=100 * 1024 * 1024, ge=1)
    backups: int = Field(default=5, ge=0, description="Rotated files kept; 0 truncates.")


class StdoutSinkSettings(SinkSettings):
    """JSON lines on standard output, for a log collector reading the container's output."""

    kind: Literal["stdout"] = "stdout"


class SyslogSinkSettings(SinkSettings):
    """RFC 5424 messages over UDP, TCP or TLS (TCP framing by octet counting, RFC 6587)."""

    kind: Literal["syslog"] = "syslog"
    host: str
    port: int = Field(default=514, ge=1, le=65535, description="6514 is usual for TLS.")
    transport: Literal["udp", "tcp", "tls"] = "tcp"
    format: Literal["json", "structured_data", "cef"] = Field(
        default="json",
        description="`json`: the event as the MSG; `structured_data`: RFC 5424 SD-PARAMs; "
        "`cef`: ArcSight Common Event Format as the MSG.",
    )
    facility: int = Field(default=13, ge=0, le=23, description="13 is `log audit`.")
    app_name: str = Field(default="sovereign-router", pattern=r"^[!-~]{1,48}$")
    hostname: str | None = Field(
        default=None, pattern=r"^[!-~]{1,255}$", description="Defaults to the machine's name."
    )
    sd_id: str = Field(
        default="audit@32473",
        pattern=r"^[!-~]{1,32}$",
        description="SD-ID of the structured data; 32473 is the documentation enterprise number.",
    )
    ca_file: Path | None = Field(default=None, description="CA bundle that signs the server.")
    cert_file: Path | None = Field(default=None, description="Client certificate (mutual TLS).")
    key_file: Path | None = None
    server_name: str | None = Field(
        default=None, description="Name checked in the server certificate; defaults to host."
    )
    connect_timeout_seconds: float = Field(default=5.0, gt=0)

    @model_validator(mode="after")
    def _tls_options_need_tls(self) -> SyslogSinkSettings:
        tls_only = (self.ca_file, self.cert_file, self.key_file, self.server_name)
        if self.transport != "tls" and any(option is not None for option in tls_only):
            raise ValueError("ca_file, cert_file, key_file and server_name need transport tls")
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("cert_file and key_file go together")
        return self


class HttpSinkSettings(SinkSettings):
    """JSON batches POSTed to a collector: Splunk HEC or a generic webhook."""

    kind: Literal["http"] = "http"
    url: str = Field(
        pattern=r"^https?://",
        description="The full endpoint, e.g. https://splunk:8088/services/collector/event.",
    )
    format: Literal["splunk_hec", "json"] = Field(
        default="json",
        description="`splunk_hec`: HEC event envelopes, `Authorization: Splunk <token>`; "
        "`json`: a JSON array of events, `Authorization: Bearer <token>` when a token is set.",
    )
    token: SecretStr | None = None
    timeout_seconds: float = Field(default=10.0, gt=0)
    ca_file: Path | None = Field(default=None, description="CA bundle that signs the collector.")
    splunk_index: str | None = None
    splunk_source: str = "sovereign-router"
    splunk_sourcetype: str = "sovereign_router:audit"

    @model_validator(mode="after")
    def _hec_needs_a_token(self) -> HttpSinkSettings:
        if self.format == "splunk_hec" and self.token is None:
            raise ValueError("a splunk_hec sink needs a token")
        return self


AnySinkSettings = Annotated[
    FileSinkSettings | StdoutSinkSettings | SyslogSinkSettings | HttpSinkSettings,
    Field(discriminator="kind"),
]


def _labels_are_unique(
    sinks: tuple[AnySinkSettings, ...],
) -> tuple[AnySinkSettings, ...]:
    labels = [sink.label for sink in sinks]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ValueError(f"sink names must be unique; give each a `name`: {duplicates}")
    return sinks


SiemSinks = Annotated[tuple[AnySinkSettings, ...], AfterValidator(_labels_are_unique)]
