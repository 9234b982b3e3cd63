"""Identity fixtures: a tiny JWKS issuer with our own keys, and the real OpenID provider."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.oidc import (
    OidcProvider,
    node_missing_reason,
    packages_installed,
    running_provider,
    signing_key,
)
from tests.support.servers import serve_in_thread

AUDIENCE = "api://sovereign-router"


@dataclass
class KeyServer:
    """An issuer that serves discovery and a JWKS of keys the test controls."""

    keys: list[RSAKey] = field(default_factory=lambda: [signing_key("own-1")])
    down: bool = False
    jwks_hits: int = 0
    url: str = ""

    @property
    def issuer(self) -> str:
        return self.url

    def app(self) -> Starlette:
        async def discovery(_request: Request) -> Response:
            if self.down:
                return JSONResponse({"error": "down"}, status_code=503)
            return JSONResponse({"issuer": self.issuer, "jwks_uri": f"{self.url}/jwks"})

        async def jwks(_request: Request) -> Response:
            self.jwks_hits += 1
            if self.down:
                return JSONResponse({"error": "down"}, status_code=503)
            return JSONResponse({"keys": [key.as_dict(private=False) for key in self.keys]})

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", discovery),
                Route("/jwks", jwks),
            ]
        )

    def token(
        self,
        key: RSAKey | None = None,
        header: dict[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        """A token signed by `key` (default: the first served key) with sensible claims."""
        signer = key or self.keys[0]
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": "u-123",
            "iat": now,
            "exp": now + 300,
            **claims,
        }
        body = {name: value for name, value in body.items() if value is not None}
        head = {"alg": "RS256", "kid": signer.kid, **(header or {})}
        return jwt.encode(head, body, signer, algorithms=[head["alg"]])


@pytest.fixture
def key_server() -> Iterator[KeyServer]:
    server = KeyServer()
    with serve_in_thread(server.app()) as url:
        server.url = url
        yield server


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """The real `oidc-provider` under node; skipped only when node is missing."""
    reason = node_missing_reason()
    if reason is not None:
        pytest.skip(reason)
    if not packages_installed():
        pytest.fail("oidc-provider is not installed: run `npm ci` in tests/support/oidc")
    workdir: Path = tmp_path_factory.mktemp("oidc")
    with running_provider(workdir) as provider:
        yield provider
