"""A whole dashboard setup for the login and browser tests: the real OpenID provider with
governance, auditor and plain staff accounts, a router (on a port chosen first, so the IdP
knows its callback) routing real requests to the fake backend, and a way to sign in over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai

from router.app import create_app
from router.identity.api_keys import KeyScope
from router.phi import Classifier
from router.services import Services
from router.settings import Settings
from router.supervisor import free_port
from tests.support.fake_backend import FakeBackend
from tests.support.oidc import OidcProvider, follow_sign_in, running_provider
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread

CLIENT_ID = "sr-governance"
CLIENT_SECRET = "governance-client-secret-for-tests-only"
PHI_NOTE = "Patient John Smith, MRN 1234567, was admitted with diabetes."
PLAIN_NOTE = "Summarise the quarterly bed census for ward seven."

ACCOUNTS: dict[str, dict[str, Any]] = {
    "grace": {
        "password": "grace-password",
        "name": "Grace Governance",
        "email": "grace@hospital.test",
        "groups": ["governance", "staff"],
    },
    "audrey": {
        "password": "audrey-password",
        "name": "Audrey Auditor",
        "email": "audrey@hospital.test",
        "groups": ["auditor", "staff"],
    },
    "bob": {
        "password": "bob-password",
        "name": "Bob Scheduler",
        "email": "bob@hospital.test",
        "groups": ["staff"],
    },
}


@dataclass
class DashboardEnvironment:
    provider: OidcProvider
    url: str
    services: Services
    backend: FakeBackend

    @property
    def callback(self) -> str:
        return f"{self.url}/governance/callback"

    @contextmanager
    def signed_in(self, login: str) -> Iterator[httpx.Client]:
        """A client holding a dashboard session for `login`, signed in through the IdP."""
        with httpx.Client(base_url=self.url) as client:
            response = self.start_sign_in(client, login)
            client.get(response.headers["location"])  # the callback sets the session cookie
            yield client

    def start_sign_in(self, client: httpx.Client, login: str) -> httpx.Response:
        """Up to the IdP's redirect back to the callback (returned, not followed)."""
        response = client.get("/governance/login")
        form = {"login": login, "password": ACCOUNTS[login]["password"]}
        return follow_sign_in(client, response, form, self.callback, max_hops=12)


def governance_settings(provider: OidcProvider, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "oidc": {
            "issuer": provider.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        "governance": {
            "cookie_secure": False,
            "scopes": ["openid", "profile", "email", "groups"],
        },
    }
    values.update(overrides)
    return Settings(**values)


def dashboard_client(redirect_uri: str) -> dict[str, Any]:
    return {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "redirect_uris": [redirect_uri],
    }


def route_requests(environment: DashboardEnvironment) -> None:
    """Real traffic: plain and PHI requests that are routed, and one that is not."""
    key = environment.services.api_keys.create("ward-app", KeyScope(workloads=("general",))).secret
    with openai.OpenAI(base_url=f"{environment.url}/v1", api_key=key, max_retries=0) as client:
        for content in (PLAIN_NOTE, PLAIN_NOTE, PHI_NOTE):
            client.chat.completions.create(
                model="ok", messages=[{"role": "user", "content": content}]
            )
        try:
            client.chat.completions.create(
                model="no-such-model", messages=[{"role": "user", "content": "hello"}]
            )
        except openai.NotFoundError:
            pass
        else:
            raise AssertionError("an unknown model must be refused")


@contextmanager
def dashboard_environment(workdir: Path, classifier: Classifier) -> Iterator[DashboardEnvironment]:
    port = free_port("127.0.0.1")
    url = f"http://127.0.0.1:{port}"
    client = dashboard_client(f"{url}/governance/callback")
    backend = FakeBackend()
    with (
        running_provider(workdir, clients=[client], accounts=ACCOUNTS) as provider,
        serve_in_thread(backend.app) as backend_url,
    ):
        policy = fake_routes_policy(workdir / "policy", {"ok": [f"{backend_url}/v1"]})
        settings = governance_settings(provider, workdir / "data", policy_dir=policy)
        app = create_app(settings, classifier=classifier)
        with serve_in_thread(app, port=port):
            environment = DashboardEnvironment(provider, url, app.state.services, backend)
            route_requests(environment)
            yield environment
