"""The API's 401s: OpenAI-style, with a challenge, audited and counted, never echoing secrets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from sqlalchemy import text

from router.identity.api_keys import split_key
from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.servers import serve_in_thread

MESSAGES: Any = [{"role": "user", "content": "hello"}]


@pytest.fixture
def router(make_router: RouterFactory, tmp_path: Path) -> Iterator[RunningRouter]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        policy = fake_routes_policy(tmp_path / "policy", {"ok": [f"{url}/v1"]})
        with make_router(policy) as running:
            yield running


def _key_id(secret: str) -> str:
    parts = split_key(secret)
    assert parts is not None
    return parts[0]


def _failures(router: RunningRouter) -> list[tuple[str, str | None]]:
    with router.services.database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT rule, api_key_id FROM audit_records WHERE outcome = 'unauthenticated'")
        )
        return [(row.rule, row.api_key_id) for row in rows]


def _counted(router: RunningRouter, mechanism: str, reason: str) -> float | None:
    return router.services.metrics.registry.get_sample_value(
        "sovereign_router_authentication_failures_total",
        {"mechanism": mechanism, "reason": reason},
    )


def test_a_revoked_key_is_refused_audited_and_counted(router: RunningRouter) -> None:
    secret = router.key("general")
    key_id = _key_id(secret)
    assert router.services.api_keys.revoke(key_id)
    with (
        openai.OpenAI(base_url=router.base_url, api_key=secret, max_retries=0) as client,
        pytest.raises(openai.AuthenticationError) as raised,
    ):
        client.chat.completions.create(model="ok", messages=MESSAGES)
    assert raised.value.code == "invalid_api_key"
    assert raised.value.response.headers["www-authenticate"] == "Bearer"
    assert _failures(router) == [("authentication.api_key.revoked_api_key", key_id)]
    assert _counted(router, "api_key", "revoked_api_key") == 1


def test_a_rotated_key_after_its_grace_period_is_refused(router: RunningRouter) -> None:
    secret = router.key("general")
    key_id = _key_id(secret)
    new = router.services.api_keys.rotate(key_id, dt.timedelta(0))
    assert new is not None
    with (
        openai.OpenAI(base_url=router.base_url, api_key=secret, max_retries=0) as old_client,
        pytest.raises(openai.AuthenticationError),
    ):
        old_client.chat.completions.create(model="ok", messages=MESSAGES)
    with openai.OpenAI(base_url=router.base_url, api_key=new.secret, max_retries=0) as new_client:
        assert new_client.chat.completions.create(model="ok", messages=MESSAGES).choices
    assert _failures(router) == [("authentication.api_key.rotated_api_key", key_id)]


def test_missing_and_unrecognised_credentials(router: RunningRouter) -> None:
    missing = httpx.get(f"{router.base_url}/models")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"]["type"] == "authentication_error"
    secret_like = "sk-this-is-a-secret-value"
    wrong = httpx.get(
        f"{router.base_url}/models", headers={"Authorization": f"Bearer {secret_like}"}
    )
    assert wrong.status_code == 401
    assert secret_like not in wrong.text
    assert _failures(router) == [
        ("authentication.none.missing_credentials", None),
        ("authentication.unknown.unrecognised_credential", None),
    ]


def test_a_jwt_without_configured_issuers_is_refused(router: RunningRouter) -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    response = httpx.get(f"{router.base_url}/models", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert _counted(router, "oidc", "unrecognised_credential") == 1
