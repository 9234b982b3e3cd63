"""Bearer JWT validation against an issuer whose keys the tests hold."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from router.errors import AuthenticationFailed, ServiceUnavailable
from router.identity.oidc import OidcValidator
from router.identity.principal import PrincipalKind
from router.identity.settings import OidcIssuerSettings, OidcSettings
from tests.identity.conftest import AUDIENCE, KeyServer
from tests.support.oidc import signing_key


def _settings(server: KeyServer, **overrides: Any) -> OidcSettings:
    issuer = OidcIssuerSettings(issuer=server.issuer, audiences=(AUDIENCE,))
    defaults: dict[str, Any] = {"issuers": (issuer,), "jwks_refetch_min_seconds": 0}
    return OidcSettings(**{**defaults, **overrides})


@contextlib.asynccontextmanager
async def _validator(server: KeyServer, **overrides: Any) -> AsyncIterator[OidcValidator]:
    # Built inside each test: its HTTP client must live on the test's event loop.
    found = OidcValidator(_settings(server, **overrides), httpx.AsyncClient())
    try:
        yield found
    finally:
        await found.aclose()


async def _reason(validator: OidcValidator, token: str) -> str:
    with pytest.raises(AuthenticationFailed) as raised:
        await validator.validate(token)
    assert raised.value.code == "invalid_token"
    assert "invalid_token" in raised.value.headers["WWW-Authenticate"]
    assert token not in raised.value.message
    return raised.value.reason


def _b64(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_a_valid_token_gives_a_person(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        token = key_server.token(
            name="Dr A", email="a@h.test", groups=["clinicians"], amr=["pwd", "mfa"], acr="aal2"
        )
        principal = await validator.validate(token)
        assert principal.kind is PrincipalKind.USER
        assert principal.subject == "u-123"
        assert principal.issuer == key_server.issuer
        assert principal.groups == {"clinicians"}
        assert principal.authentication_methods == {"pwd", "mfa"}
        assert principal.authentication_context == "aal2"


async def test_expired(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        past = int(time.time()) - 3600
        token = key_server.token(iat=past - 300, exp=past)
        with pytest.raises(AuthenticationFailed) as raised:
            await validator.validate(token)
        assert raised.value.reason == "expired"
        assert raised.value.message == "The access token has expired."


async def test_expiry_within_the_clock_skew_is_accepted(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        principal = await validator.validate(key_server.token(exp=int(time.time()) - 20))
        assert principal.subject == "u-123"


async def test_not_yet_valid(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        token = key_server.token(nbf=int(time.time()) + 600)
        assert await _reason(validator, token) == "not_yet_valid"


async def test_wrong_audience(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        assert (
            await _reason(validator, key_server.token(aud="api://someone-else")) == "wrong_audience"
        )


async def test_one_of_several_audiences_is_enough(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        principal = await validator.validate(key_server.token(aud=["api://other", AUDIENCE]))
        assert principal.subject == "u-123"


async def test_unknown_issuer(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        token = key_server.token(iss="https://evil.example")
        assert await _reason(validator, token) == "unknown_issuer"


async def test_missing_expiry(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        assert await _reason(validator, key_server.token(exp=None)) == "missing_claim"


async def test_alg_none_is_refused(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        now = int(time.time())
        claims = {"iss": key_server.issuer, "aud": AUDIENCE, "sub": "u-1", "exp": now + 300}
        token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
        assert await _reason(validator, token) == "algorithm_not_allowed"


async def test_hs256_signed_with_the_public_key_is_refused(key_server: KeyServer) -> None:
    # The classic confusion attack: HMAC keyed with the (public) PEM of the RSA key.
    public_pem = key_server.keys[0].as_pem(private=False)
    now = int(time.time())
    claims = {"iss": key_server.issuer, "aud": AUDIENCE, "sub": "u-1", "exp": now + 300}
    signing_input = f"{_b64({'alg': 'HS256', 'kid': key_server.keys[0].kid})}.{_b64(claims)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    async with _validator(key_server) as validator:
        assert await _reason(validator, token) == "algorithm_not_allowed"


async def test_tampered_signature(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        header, payload, signature = key_server.token().split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["sub"] = "someone-else"
        assert await _reason(validator, f"{header}.{_b64(claims)}.{signature}") == "bad_signature"


async def test_a_key_of_another_provider_with_a_known_kid(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        impostor = signing_key(str(key_server.keys[0].kid))
        assert await _reason(validator, key_server.token(key=impostor)) == "bad_signature"


async def test_unknown_kid_triggers_one_refetch(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        await validator.validate(key_server.token())
        hits = key_server.jwks_hits
        rotated = signing_key("own-2")
        key_server.keys = [rotated, *key_server.keys]
        principal = await validator.validate(key_server.token(key=rotated))
        assert principal.subject == "u-123"
        assert key_server.jwks_hits == hits + 1


async def test_unknown_kid_refetches_are_rate_limited(key_server: KeyServer) -> None:
    async with _validator(key_server, jwks_refetch_min_seconds=60) as validator:
        await validator.validate(key_server.token())
        stranger = signing_key("not-served")
        for _ in range(5):
            assert await _reason(validator, key_server.token(key=stranger)) == "unknown_key"
        assert key_server.jwks_hits == 1


async def test_jwks_down_keeps_the_cached_keys(key_server: KeyServer) -> None:
    async with _validator(key_server, jwks_cache_seconds=0.01) as validator:
        await validator.validate(key_server.token())
        key_server.down = True
        await asyncio.sleep(0.02)  # stale now: the next request refetches, and fails
        principal = await validator.validate(key_server.token())
        assert principal.subject == "u-123"
        assert key_server.jwks_hits >= 2


async def test_no_keys_at_all_is_a_503(key_server: KeyServer) -> None:
    key_server.down = True
    async with _validator(key_server) as validator:
        with pytest.raises(ServiceUnavailable) as raised:
            await validator.validate(key_server.token())
        assert raised.value.code == "identity_provider_unavailable"


async def test_malformed_tokens(key_server: KeyServer) -> None:
    async with _validator(key_server) as validator:
        for token in ("a.b.c", "not-base64!.x.y", f"{_b64({'alg': 'RS256'})}.{_b64([1])}.x"):
            assert await _reason(validator, token) == "malformed"


def test_hmac_and_none_cannot_be_configured() -> None:
    for algorithm in ("HS256", "none"):
        with pytest.raises(ValueError, match="asymmetric"):
            OidcIssuerSettings(issuer="https://idp", audiences=("a",), algorithms=(algorithm,))
