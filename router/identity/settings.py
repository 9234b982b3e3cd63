"""Settings for identity: OIDC issuers whose tokens are accepted, and rate limits.

They are fields of `router.settings.Settings` (`oidc`, `rate_limits`); they live here so that
the identity code and its settings are read together.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

# Asymmetric algorithms only: `none` proves nothing, and an HMAC algorithm would let anyone
# holding the public key (everyone) sign tokens.
ASYMMETRIC_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OidcIssuerSettings(_Frozen):
    """One identity provider whose bearer tokens (JWT access or ID tokens) are accepted."""

    issuer: str = Field(min_length=1, description="Exactly the `iss` of its tokens.")
    audiences: tuple[str, ...] = Field(
        min_length=1, description="Accepted `aud` values: the router's API or client id."
    )
    jwks_uri: str | None = Field(
        default=None, description="Skip discovery and read the signing keys here."
    )
    algorithms: tuple[str, ...] = Field(default=("RS256", "PS256", "ES256"), min_length=1)
    groups_claim: str = Field(
        default="groups", description="Dotted path to the groups (Entra/Okta: `groups`)."
    )
    roles_claim: str = Field(
        default="roles", description="Dotted path to the roles (Keycloak: `realm_access.roles`)."
    )
    name_claim: str = "name"
    email_claim: str = "email"
    principal_kind: Literal["auto", "user", "service_account"] = Field(
        default="auto",
        description="`auto` tells client-credentials tokens (sub equals the client id, or a "
        "`service_account_claims` match) from people's tokens.",
    )
    service_account_claims: dict[str, str] = Field(
        default_factory=dict,
        description="Claim values that mark a service account, e.g. Entra ID `idtyp: app`.",
    )

    @field_validator("algorithms")
    @classmethod
    def _asymmetric_only(cls, algorithms: tuple[str, ...]) -> tuple[str, ...]:
        refused = [name for name in algorithms if name not in ASYMMETRIC_ALGORITHMS]
        if refused:
            raise ValueError(f"only asymmetric signature algorithms are allowed, not {refused}")
        return algorithms


class OidcSettings(_Frozen):
    """The dashboard's login client (`issuer`, `client_id`, `client_secret`) and the issuers
    whose bearer tokens the API accepts (`issuers`)."""

    issuer: str | None = Field(default=None, description="IdP of the dashboard login.")
    client_id: str | None = None
    client_secret: SecretStr | None = None
    issuers: tuple[OidcIssuerSettings, ...] = Field(
        default=(), description="Issuers whose bearer tokens the API accepts."
    )
    clock_skew_seconds: int = Field(default=60, ge=0, le=300)
    jwks_cache_seconds: float = Field(
        default=3600.0, gt=0, description="How long signing keys are used before a refetch."
    )
    jwks_refetch_min_seconds: float = Field(
        default=30.0,
        ge=0,
        description="Least time between two refetches an unknown `kid` may trigger.",
    )
    http_timeout_seconds: float = Field(default=5.0, gt=0)


class WorkloadRateLimit(_Frozen):
    requests_per_minute: int | None = Field(default=None, ge=1)
    tokens_per_minute: int | None = Field(default=None, ge=1)


class RateLimitSettings(_Frozen):
    """Token buckets per principal and per workload; `None` means unlimited.

    Shared through Redis (`redis_url`) across replicas, in-process otherwise.
    """

    principal_requests_per_minute: int | None = Field(default=None, ge=1)
    principal_tokens_per_minute: int | None = Field(default=None, ge=1)
    workload_requests_per_minute: int | None = Field(default=None, ge=1)
    workload_tokens_per_minute: int | None = Field(default=None, ge=1)
    workloads: dict[str, WorkloadRateLimit] = Field(
        default_factory=dict, description="Per-workload limits that replace the defaults."
    )
    redis_key_prefix: str = "sovereign-router:rate:"
    redis_timeout_seconds: float = Field(default=0.5, gt=0)
    on_redis_failure: Literal["fail_closed_for_phi", "fail_closed"] = Field(
        default="fail_closed_for_phi",
        description="Redis down: refuse PHI requests (503) and limit the rest in-process, "
        "or refuse everything.",
    )
