"""A real OpenID provider for the tests: `oidc-provider` (npm) under node, on loopback.

`server.mjs` beside this file is the provider; `scripts/test.sh` installs its pinned packages
with `npm ci`. Tests hand it the signing keys, so they can rotate the IdP's keys by restarting
it on the same port with a new key set.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import httpx
from joserfc.jwk import RSAKey

from router.supervisor import free_port

SERVER_DIR = Path(__file__).resolve().parent
AUDIENCE = "urn:sovereign-router"
SERVICE_CLIENT = ("ward-sync", "ward-sync-secret-for-tests-only")
DASHBOARD_CLIENT = "governance-dashboard"
DASHBOARD_REDIRECT = "http://127.0.0.1/callback"

ACCOUNTS: dict[str, dict[str, Any]] = {
    "alice": {
        "password": "alice-password",
        "otp": "123456",
        "name": "Alice Clinician",
        "email": "alice@hospital.test",
        "groups": ["clinicians", "staff"],
    },
    "bob": {
        "password": "bob-password",
        "name": "Bob Scheduler",
        "email": "bob@hospital.test",
        "groups": ["staff"],
    },
}


def node_missing_reason() -> str | None:
    """Why the provider cannot run here (node is missing), or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed: the OIDC provider tests need node >= 20"
    return None


def packages_installed() -> bool:
    return (SERVER_DIR / "node_modules" / "oidc-provider").is_dir()


def signing_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})


def _clients() -> list[dict[str, Any]]:
    return [
        {
            "client_id": SERVICE_CLIENT[0],
            "client_secret": SERVICE_CLIENT[1],
            "grant_types": ["client_credentials"],
            "response_types": [],
            "redirect_uris": [],
            "scope": "api",
        },
        {
            "client_id": DASHBOARD_CLIENT,
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "redirect_uris": [DASHBOARD_REDIRECT],
        },
    ]


@dataclass
class OidcProvider:
    """One provider process; `restart(keys)` swaps its signing keys and keeps its issuer."""

    workdir: Path
    port: int = field(default_factory=lambda: free_port("127.0.0.1"))
    keys: list[RSAKey] = field(default_factory=lambda: [signing_key("key-1")])
    clients: list[dict[str, Any]] = field(default_factory=_clients)
    accounts: dict[str, dict[str, Any]] = field(default_factory=lambda: dict(ACCOUNTS))
    _process: subprocess.Popen[bytes] | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        config = {
            "issuer": self.issuer,
            "port": self.port,
            "audience": AUDIENCE,
            "keys": [key.as_dict(private=True) for key in self.keys],
            "clients": self.clients,
            "accounts": self.accounts,
        }
        config_file = self.workdir / "oidc-config.json"
        config_file.write_text(json.dumps(config))
        with (self.workdir / "oidc.log").open("ab") as log:
            self._process = subprocess.Popen(
                ["node", str(SERVER_DIR / "server.mjs"), str(config_file)],
                cwd=SERVER_DIR,
                stdout=subprocess.PIPE,
                stderr=log,
            )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().decode()
        if not line.startswith("ready"):
            self.stop()
            raise RuntimeError(f"oidc-provider did not start; see {self.workdir / 'oidc.log'}")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None

    def restart(self, keys: list[RSAKey]) -> None:
        self.stop()
        self.keys = keys
        self.start()

    def service_token(self, client: tuple[str, str] = SERVICE_CLIENT) -> str:
        """A client-credentials access token (a JWT for the router's audience)."""
        response = httpx.post(
            f"{self.issuer}/token",
            data={"grant_type": "client_credentials", "scope": "api", "resource": AUDIENCE},
            auth=client,
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def person_token(self, login: str, password: str, otp: str = "") -> str:
        """An access token from the authorization code flow with PKCE, signed in over HTTP."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        with httpx.Client(base_url=self.issuer) as browser:
            response = browser.get(
                "/auth",
                params={
                    "client_id": DASHBOARD_CLIENT,
                    "response_type": "code",
                    "redirect_uri": DASHBOARD_REDIRECT,
                    "scope": "openid profile email groups api",
                    "resource": AUDIENCE,
                    "code_challenge": challenge.decode().rstrip("="),
                    "code_challenge_method": "S256",
                    "state": secrets.token_urlsafe(8),
                },
            )
            form = {"login": login, "password": password, "otp": otp}
            code = _sign_in(browser, response, form)
            tokens = browser.post(
                "/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": DASHBOARD_REDIRECT,
                    "client_id": DASHBOARD_CLIENT,
                    "code_verifier": verifier,
                    "resource": AUDIENCE,
                },
            )
            tokens.raise_for_status()
            token: str = tokens.json()["access_token"]
            return token


def _sign_in(browser: httpx.Client, response: httpx.Response, form: dict[str, str]) -> str:
    """Follow the provider's redirects through login and consent to the authorization code."""
    back = follow_sign_in(browser, response, form, DASHBOARD_REDIRECT, max_hops=10)
    return parse_qs(urlparse(back.headers["location"]).query)["code"][0]


def follow_sign_in(
    client: httpx.Client,
    response: httpx.Response,
    form: dict[str, str],
    redirect_uri: str,
    *,
    max_hops: int,
) -> httpx.Response:
    """Through the provider's login and consent: the response redirecting to `redirect_uri`."""
    for _ in range(max_hops):
        location = str(response.headers.get("location", ""))
        if location.startswith(redirect_uri):
            return response
        if not location:
            raise RuntimeError(f"sign-in stopped with status {response.status_code}")
        target = urljoin(str(response.url), location)
        if "/interaction/" in target:
            prompt = client.get(target).json()["prompt"]
            response = client.post(f"{target}/{prompt}", data=form if prompt == "login" else {})
        else:
            response = client.get(target)
    raise RuntimeError("too many redirects while signing in")


@contextmanager
def running_provider(workdir: Path, **options: Any) -> Iterator[OidcProvider]:
    """`options`: fields of `OidcProvider` (port, clients, accounts) other than the defaults."""
    provider = OidcProvider(workdir, **options)
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()
