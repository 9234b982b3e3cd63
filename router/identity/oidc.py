"""Bearer JWTs from the hospital's identity providers, validated with joserfc.

Order of checks: shape, then the issuer (read unverified, only to pick the issuer's settings
and keys), the algorithm against that issuer's allow-list, the signature with the issuer's
keys, then `iss`, `aud`, `exp`, `nbf` with a small clock skew. Failures carry a bounded reason
label for metrics and audit; the caller sees one of two messages (expired, or not valid), and
nothing of the token is ever logged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jws import extract_compact
from joserfc.jwt import JWTClaimsRegistry

from router.errors import AuthenticationFailed, ServiceUnavailable
from router.identity.claims import principal_from_claims
from router.identity.jwks import IssuerKeys, KeysUnavailable
from router.identity.principal import Principal
from router.identity.settings import OidcIssuerSettings, OidcSettings

MAX_TOKEN_BYTES = 16 * 1024
_INVALID = "The access token is not valid."
_CHALLENGE = 'Bearer realm="sovereign-router", error="invalid_token"'


def token_rejected(reason: str, message: str = _INVALID) -> AuthenticationFailed:
    return AuthenticationFailed(message, code="invalid_token", reason=reason, challenge=_CHALLENGE)


def looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2 and len(credential) <= MAX_TOKEN_BYTES


class OidcValidator:
    """Validates bearer JWTs from every configured issuer."""

    def __init__(
        self,
        settings: OidcSettings,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._http = http
        self._clock = clock
        self._issuers = {issuer.issuer: issuer for issuer in settings.issuers}
        self._keys = {
            issuer.issuer: IssuerKeys(issuer, settings, http) for issuer in settings.issuers
        }

    @property
    def configured(self) -> bool:
        return bool(self._issuers)

    def keys_of(self, issuer: str) -> IssuerKeys:
        return self._keys[issuer]

    async def aclose(self) -> None:
        await self._http.aclose()

    async def validate(self, token: str) -> Principal:
        header, unverified = _unverified_parts(token)
        issuer = self._issuers.get(str(unverified.get("iss", "")))
        if issuer is None:
            raise token_rejected("unknown_issuer")
        algorithm = header.get("alg")
        if algorithm not in issuer.algorithms:
            raise token_rejected("algorithm_not_allowed")
        kid = header.get("kid")
        claims = await self._verified_claims(token, issuer, kid if isinstance(kid, str) else None)
        self._check_claims(claims, issuer)
        return principal_from_claims(claims, issuer)

    async def _verified_claims(
        self, token: str, issuer: OidcIssuerSettings, kid: str | None
    ) -> dict[str, Any]:
        try:
            keys = await self._keys[issuer.issuer].for_kid(kid)
        except KeysUnavailable:
            raise ServiceUnavailable(
                "The identity provider's signing keys cannot be fetched; try again shortly.",
                code="identity_provider_unavailable",
            ) from None
        if keys is None:
            raise token_rejected("unknown_key")
        try:
            decoded = jwt.decode(token, keys, algorithms=list(issuer.algorithms))
        except BadSignatureError:
            raise token_rejected("bad_signature") from None
        except (JoseError, ValueError):
            raise token_rejected("malformed") from None
        return dict(decoded.claims)

    def _check_claims(self, claims: Mapping[str, Any], issuer: OidcIssuerSettings) -> None:
        registry = JWTClaimsRegistry(
            now=lambda: int(self._clock()),
            leeway=self._settings.clock_skew_seconds,
            iss={"essential": True, "value": issuer.issuer},
            aud={"essential": True, "values": list(issuer.audiences)},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(dict(claims))
        except ExpiredTokenError:
            raise token_rejected("expired", "The access token has expired.") from None
        except InvalidClaimError as error:
            raise token_rejected(_claim_reason(error.claim)) from None
        except MissingClaimError:
            raise token_rejected("missing_claim") from None
        except (JoseError, ValueError, TypeError, OverflowError):
            raise token_rejected("malformed") from None


def _claim_reason(claim: str) -> str:
    return {"aud": "wrong_audience", "iss": "wrong_issuer", "nbf": "not_yet_valid"}.get(
        claim, "invalid_claim"
    )


def _unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims before verification: used only to choose how to verify."""
    try:
        compact = extract_compact(token.encode("ascii"))
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError):
        raise token_rejected("malformed") from None
    if not isinstance(claims, dict):
        raise token_rejected("malformed")
    return dict(compact.protected), claims
