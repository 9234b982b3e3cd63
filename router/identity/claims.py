"""Verified token claims to a `Principal`, with the claim paths each IdP uses.

Entra ID puts app roles in `roles` and group ids in `groups`; Keycloak puts realm roles in
`realm_access.roles`; Okta puts groups in `groups` (with a groups claim on the authorization
server). The paths are settings, so one code path serves them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from router.identity.principal import Principal, PrincipalKind
from router.identity.settings import OidcIssuerSettings

# Where IdPs put the OAuth client a token was issued to (Okta `cid`, Entra v1 `appid`).
_CLIENT_ID_CLAIMS = ("client_id", "azp", "cid", "appid")


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (`realm_access.roles`), or None."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _strings(value: Any) -> frozenset[str]:
    """A claim holding one string or a list of them, as a set; anything else is empty."""
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(item for item in value if isinstance(item, str))
    return frozenset()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def is_service_account(claims: Mapping[str, Any], issuer: OidcIssuerSettings) -> bool:
    if issuer.principal_kind != "auto":
        return issuer.principal_kind == "service_account"
    if any(
        _text(claim_at(claims, path)) == expected
        for path, expected in issuer.service_account_claims.items()
    ):
        return True
    # A client-credentials token has no user: its subject is the client itself.
    subject = claims.get("sub")
    return any(subject == claims.get(name) for name in _CLIENT_ID_CLAIMS if name in claims)


def principal_from_claims(claims: Mapping[str, Any], issuer: OidcIssuerSettings) -> Principal:
    service = is_service_account(claims, issuer)
    return Principal(
        kind=PrincipalKind.SERVICE_ACCOUNT if service else PrincipalKind.USER,
        subject=str(claims["sub"]),
        name=_text(claim_at(claims, issuer.name_claim)),
        email=_text(claim_at(claims, issuer.email_claim)),
        issuer=issuer.issuer,
        groups=_strings(claim_at(claims, issuer.groups_claim)),
        roles=_strings(claim_at(claims, issuer.roles_claim)),
        authentication_methods=_strings(claims.get("amr")),
        authentication_context=_text(claims.get("acr")),
    )
