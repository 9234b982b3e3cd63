"""Dashboard sign-in: the OIDC authorization code flow with PKCE, `state` and `nonce`.

Authlib builds the authorization request (with the S256 code challenge) and the token request;
the ID token is then validated by the router's own validator (`router.identity.oidc`: JWKS
with rotation, algorithm allow-list, issuer, audience = our client id, expiry, not-before),
and its `nonce` must be the one this browser was given. Only then do its roles count.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc.errors import JoseError
from joserfc.jws import extract_compact

from router.errors import AuthenticationFailed, ServiceUnavailable
from router.governance.sessions import LoginState
from router.governance.settings import GovernanceSettings
from router.identity.oidc import OidcValidator
from router.identity.principal import Principal
from router.identity.settings import OidcIssuerSettings, OidcSettings

_DISCOVERY_PATH = "/.well-known/openid-configuration"
_SIGN_IN_FAILED = "Sign-in failed; please try again."


def dashboard_login_configured(oidc: OidcSettings) -> bool:
    return bool(oidc.issuer and oidc.client_id)


class OidcLogin:
    """The dashboard's OIDC client: one per app, sharing one HTTP client and the JWKS cache."""

    def __init__(
        self, oidc: OidcSettings, governance: GovernanceSettings, http: httpx.AsyncClient
    ) -> None:
        if not (oidc.issuer and oidc.client_id):
            raise ValueError("the dashboard login needs oidc.issuer and oidc.client_id")
        self._issuer = oidc.issuer
        self._client_id = oidc.client_id
        self._client_secret = oidc.client_secret
        self._scope = " ".join(governance.scopes)
        self._timeout = oidc.http_timeout_seconds
        self._http = http
        self._metadata: dict[str, Any] | None = None
        id_tokens = OidcIssuerSettings(
            issuer=oidc.issuer,
            audiences=(oidc.client_id,),
            groups_claim=governance.groups_claim,
            roles_claim=governance.roles_claim,
            principal_kind="user",
        )
        timing = oidc.model_copy(update={"issuers": (id_tokens,)})
        self._validator = OidcValidator(timing, http)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def authorization_url(self, login: LoginState, redirect_uri: str) -> str:
        metadata = await self._discovery()
        url: str = prepare_grant_uri(
            metadata["authorization_endpoint"],
            client_id=self._client_id,
            response_type="code",
            redirect_uri=redirect_uri,
            scope=self._scope,
            state=login.state,
            nonce=login.nonce,
            code_challenge=create_s256_code_challenge(login.verifier),
            code_challenge_method="S256",
        )
        return url

    async def sign_in(self, code: str, login: LoginState, redirect_uri: str) -> Principal:
        """Exchange the code (with the PKCE verifier) and validate the ID token it returns."""
        id_token = await self._exchange(code, login, redirect_uri)
        principal = await self._validator.validate(id_token)
        if _claims_of(id_token).get("nonce") != login.nonce:
            raise AuthenticationFailed(_SIGN_IN_FAILED, reason="nonce_mismatch")
        return principal

    async def _exchange(self, code: str, login: LoginState, redirect_uri: str) -> str:
        metadata = await self._discovery()
        body = prepare_token_request(
            "authorization_code",
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=login.verifier,
            client_id=self._client_id,
        )
        auth = None
        if self._client_secret is not None:
            auth = httpx.BasicAuth(self._client_id, self._client_secret.get_secret_value())
        try:
            response = await self._http.post(
                metadata["token_endpoint"],
                content=body,
                headers={"content-type": "application/x-www-form-urlencoded"},
                auth=auth or httpx.USE_CLIENT_DEFAULT,
                timeout=self._timeout,
            )
        except httpx.HTTPError:
            raise _idp_unavailable() from None
        if response.status_code != 200:
            raise AuthenticationFailed(_SIGN_IN_FAILED, reason="code_exchange_failed")
        token = _json_object(response).get("id_token")
        if not isinstance(token, str):
            raise AuthenticationFailed(_SIGN_IN_FAILED, reason="no_id_token")
        return token

    async def _discovery(self) -> dict[str, Any]:
        if self._metadata is not None:
            return self._metadata
        url = self._issuer.rstrip("/") + _DISCOVERY_PATH
        try:
            response = await self._http.get(url, timeout=self._timeout)
            response.raise_for_status()
        except httpx.HTTPError:
            raise _idp_unavailable() from None
        metadata = _json_object(response)
        endpoints = ("authorization_endpoint", "token_endpoint")
        if metadata.get("issuer") != self._issuer or not all(
            isinstance(metadata.get(name), str) for name in endpoints
        ):
            raise _idp_unavailable()
        self._metadata = metadata
        return metadata


def dashboard_roles(principal: Principal, settings: GovernanceSettings) -> tuple[bool, bool]:
    """(may read the dashboard, may open bodies): an auditor may do both."""
    names = principal.roles | principal.groups
    auditor = bool(names & frozenset(settings.auditor_roles))
    governance = auditor or bool(names & frozenset(settings.governance_roles))
    return governance, auditor


def _claims_of(token: str) -> dict[str, Any]:
    """The payload of a token whose signature the validator has already checked."""
    try:
        claims = json.loads(extract_compact(token.encode("ascii")).payload)
    except (JoseError, ValueError, UnicodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        document = response.json()
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _idp_unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The identity provider cannot be reached; try again shortly.",
        code="identity_provider_unavailable",
    )
