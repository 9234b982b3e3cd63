"""Real tokens from a real OpenID provider, through the router, with the `openai` SDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from sqlalchemy import text

from router.identity.settings import OidcIssuerSettings
from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import FakeBackend
from tests.support.oidc import AUDIENCE, SERVICE_CLIENT, OidcProvider, signing_key
from tests.support.policies import write_policy
from tests.support.servers import serve_in_thread

ALICE = ("alice", "alice-password")
BOB = ("bob", "bob-password")
OTP = "123456"


def _policy(directory: Path, backend_url: str) -> Path:
    return write_policy(
        directory,
        routes={
            "ok": {
                "kind": "openai_compatible",
                "model": "ok",
                "endpoints": [backend_url],
                "data_boundary": "on_prem",
            }
        },
        models={"chat": {"routes": ["ok"]}},
        workloads={
            "general": {"tier": "non_phi", "models": ["chat"]},
            "clinical-notes": {
                "tier": "phi_heavy",
                "models": ["chat"],
                "principals": {"groups": ["clinicians"]},
            },
            "ward-sync": {
                "tier": "phi_heavy",
                "models": ["chat"],
                "principals": {"service_accounts": True},
            },
        },
        tiers={tier: ["ok"] for tier in ("non_phi", "sometimes_phi", "phi_heavy")},
    )


@pytest.fixture
def router(
    make_router: RouterFactory, oidc_provider: OidcProvider, tmp_path: Path
) -> Iterator[RunningRouter]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        issuer = OidcIssuerSettings(issuer=oidc_provider.issuer, audiences=(AUDIENCE,))
        oidc = {"issuers": (issuer,), "jwks_refetch_min_seconds": 0}
        with make_router(_policy(tmp_path / "policy", f"{url}/v1"), oidc=oidc) as running:
            yield running


def _chat(router: RunningRouter, token: str, workload: str) -> Any:
    with openai.OpenAI(
        base_url=router.base_url,
        api_key=token,
        default_headers={"X-Router-Workload": workload},
        max_retries=0,
    ) as client:
        return client.chat.completions.create(
            model="chat", messages=[{"role": "user", "content": "Summarise the visiting hours."}]
        )


def _audited(router: RunningRouter) -> list[dict[str, Any]]:
    with router.services.database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT outcome, rule, principal_kind, principal_subject FROM audit_records")
        )
        return [dict(row._mapping) for row in rows]


def test_a_person_in_the_group_with_mfa_reaches_a_phi_workload(
    router: RunningRouter, oidc_provider: OidcProvider
) -> None:
    token = oidc_provider.person_token(*ALICE, otp=OTP)
    reply = _chat(router, token, "clinical-notes")
    assert reply.choices[0].message.content
    [row] = _audited(router)
    assert (row["outcome"], row["principal_kind"], row["principal_subject"]) == (
        "route",
        "user",
        "alice",
    )


def test_a_person_outside_the_group_gets_403(
    router: RunningRouter, oidc_provider: OidcProvider
) -> None:
    token = oidc_provider.person_token(*BOB)
    with pytest.raises(openai.PermissionDeniedError) as raised:
        _chat(router, token, "clinical-notes")
    assert raised.value.code == "permission_denied"
    assert any(row["rule"] == "workload.groups" for row in _audited(router))


def test_phi_without_mfa_gets_403(router: RunningRouter, oidc_provider: OidcProvider) -> None:
    token = oidc_provider.person_token(*ALICE)  # password only
    with pytest.raises(openai.PermissionDeniedError) as raised:
        _chat(router, token, "clinical-notes")
    assert "Multi-factor" in raised.value.message
    assert any(row["rule"] == "workload.mfa" for row in _audited(router))
    # The same person without MFA may still use a workload without PHI.
    assert _chat(router, token, "general").choices


def test_service_accounts_only_where_the_policy_grants_them_phi(
    router: RunningRouter, oidc_provider: OidcProvider
) -> None:
    token = oidc_provider.service_token()
    assert _chat(router, token, "ward-sync").choices
    with pytest.raises(openai.PermissionDeniedError):
        _chat(router, token, "clinical-notes")
    audited = _audited(router)
    assert {"service_account"} == {row["principal_kind"] for row in audited}
    assert {row["principal_subject"] for row in audited} == {SERVICE_CLIENT[0]}


def test_failed_authentication_is_401_audited_and_counted(
    router: RunningRouter, oidc_provider: OidcProvider
) -> None:
    token = oidc_provider.service_token()
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    with pytest.raises(openai.AuthenticationError) as raised:
        _chat(router, tampered, "general")
    assert raised.value.code == "invalid_token"
    assert "invalid_token" in raised.value.response.headers["www-authenticate"]
    audited = _audited(router)
    assert audited == [
        {
            "outcome": "unauthenticated",
            "rule": "authentication.oidc.bad_signature",
            "principal_kind": "anonymous",
            "principal_subject": "unauthenticated",
        }
    ]
    counted = router.services.metrics.registry.get_sample_value(
        "sovereign_router_authentication_failures_total",
        {"mechanism": "oidc", "reason": "bad_signature"},
    )
    assert counted == 1


def test_signing_key_rotation_at_the_idp_needs_no_restart(
    router: RunningRouter, oidc_provider: OidcProvider
) -> None:
    assert _chat(router, oidc_provider.service_token(), "ward-sync").choices
    old_keys = oidc_provider.keys
    oidc_provider.restart([signing_key("key-rotated"), *old_keys])
    try:
        assert _chat(router, oidc_provider.service_token(), "ward-sync").choices
    finally:
        oidc_provider.restart(old_keys)


def test_a_token_from_another_provider_is_refused(
    router: RunningRouter, oidc_provider: OidcProvider, tmp_path: Path
) -> None:
    other = OidcProvider(tmp_path, port=oidc_provider.port, keys=[signing_key("key-1")])
    token_issuer_keys = oidc_provider.keys
    # Same issuer URL and kid, different private key: the signature cannot verify.
    oidc_provider.stop()
    other.start()
    try:
        token = other.service_token()
    finally:
        other.stop()
        oidc_provider.restart(token_issuer_keys)
    with pytest.raises(openai.AuthenticationError):
        _chat(router, token, "ward-sync")
