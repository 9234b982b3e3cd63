"""Settings of the governance dashboard: its login session and who may see what.

The login client itself (issuer, client id and secret) is `Settings.oidc`; the dashboard is
served when that client is configured. These are `Settings.governance`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class GovernanceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    public_url: str | None = Field(
        default=None,
        description="The router's URL as browsers reach it (https://router.hospital.org); "
        "the login callback is `<public_url>/governance/callback`. Unset: the request's own "
        "URL, which is only right without a rewriting proxy in front.",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="At least 32 characters; signs and encrypts session cookies. Required in "
        "production; development generates one into the data directory.",
    )
    cookie_secure: bool = Field(
        default=True,
        description="Send the session cookie over HTTPS only. Turn off only for plain-HTTP "
        "development on loopback.",
    )
    session_idle_minutes: int = Field(default=15, ge=1, le=240)
    session_max_hours: int = Field(default=8, ge=1, le=24)
    scopes: tuple[str, ...] = Field(
        default=("openid", "profile", "email"),
        description="Scopes asked for at login; add the IdP's scope for groups if it has one.",
    )
    groups_claim: str = Field(default="groups", description="Dotted path in the ID token.")
    roles_claim: str = Field(default="roles", description="Keycloak: `realm_access.roles`.")
    governance_roles: tuple[str, ...] = Field(
        default=("governance",),
        description="Role or group names (either claim) that may read the dashboard.",
    )
    auditor_roles: tuple[str, ...] = Field(
        default=("auditor",),
        description="Role or group names that may also open audited request bodies.",
    )
    search_limit: int = Field(default=200, ge=1, le=1000, description="Rows per audit search.")
