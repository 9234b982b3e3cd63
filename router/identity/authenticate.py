"""Authenticate: turn the `Authorization` header into a `Principal`, or refuse with 401.

`srk_...` credentials are API keys; anything shaped like a JWT goes to the OIDC validator when
issuers are configured. Every failure is audited and counted (without the credential).
"""

from __future__ import annotations

import anyio
import httpx
from starlette.requests import Request

from router.audit.trail import AuditTrail
from router.errors import AuthenticationFailed
from router.identity.api_keys import KEY_PREFIX, ApiKeyStore
from router.identity.failures import FailureRecorder, presented_key_id
from router.identity.oidc import OidcValidator, looks_like_jwt
from router.identity.principal import Principal
from router.identity.settings import OidcSettings
from router.metrics import Metrics

_MISSING = "Missing credentials: send 'Authorization: Bearer <key or token>'."
_SCHEME = "Use the Bearer scheme: 'Authorization: Bearer <key or token>'."


class Authenticator:
    def __init__(
        self,
        api_keys: ApiKeyStore,
        oidc: OidcValidator | None = None,
        failures: FailureRecorder | None = None,
    ) -> None:
        self._api_keys = api_keys
        self._oidc = oidc
        self._failures = failures

    async def authenticate(self, request: Request) -> Principal:
        credential = ""
        try:
            credential = _bearer(request.headers.get("authorization"))
            return await self._verify(credential)
        except AuthenticationFailed as error:
            if self._failures is not None:
                await self._failures.record(
                    request, _mechanism(credential), error.reason, presented_key_id(credential)
                )
            raise

    async def _verify(self, credential: str) -> Principal:
        if credential.startswith(KEY_PREFIX):
            # A key seen in the last seconds is checked here; only a cache miss reads the
            # database, in a worker thread.
            cached = self._api_keys.authenticate_cached(credential)
            if cached is not None:
                return cached
            return await anyio.to_thread.run_sync(self._api_keys.authenticate, credential)
        if self._oidc is not None and self._oidc.configured and looks_like_jwt(credential):
            return await self._oidc.validate(credential)
        raise AuthenticationFailed(reason="unrecognised_credential")

    async def aclose(self) -> None:
        if self._oidc is not None:
            await self._oidc.aclose()


def _mechanism(credential: str) -> str:
    if not credential:
        return "none"
    if credential.startswith(KEY_PREFIX):
        return "api_key"
    return "oidc" if looks_like_jwt(credential) else "unknown"


def _bearer(header: str | None) -> str:
    if not header:
        raise AuthenticationFailed(_MISSING, reason="missing_credentials")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise AuthenticationFailed(_SCHEME, reason="wrong_scheme")
    return credential.strip()


def build_authenticator(
    settings: OidcSettings, api_keys: ApiKeyStore, audit: AuditTrail, metrics: Metrics
) -> Authenticator:
    oidc = OidcValidator(settings, httpx.AsyncClient()) if settings.issuers else None
    return Authenticator(api_keys, oidc, FailureRecorder(audit, metrics))
