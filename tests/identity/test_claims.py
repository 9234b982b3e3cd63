"""Claims to principals, with the claim shapes of Entra ID, Keycloak and Okta."""

from __future__ import annotations

from typing import Any

import pytest

from router.identity.claims import claim_at, principal_from_claims
from router.identity.principal import PrincipalKind
from router.identity.settings import OidcIssuerSettings


def _issuer(**overrides: Any) -> OidcIssuerSettings:
    return OidcIssuerSettings(issuer="https://idp.test", audiences=("api",), **overrides)


def test_entra_id_roles_and_groups() -> None:
    claims = {
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "oid": "00000000-0000-0000-66f3-3332eca7ea81",
        "name": "Dr Grey",
        "preferred_username": "grey@hospital.test",
        "roles": ["Clinician"],
        "groups": ["6f5c1c8e-0000-4d0e-9f4b-000000000001"],
        "amr": ["pwd", "mfa"],
        "azp": "11111111-2222-3333-4444-555555555555",
    }
    principal = principal_from_claims(claims, _issuer(email_claim="preferred_username"))
    assert principal.kind is PrincipalKind.USER
    assert principal.roles == {"Clinician"}
    assert principal.groups == {"6f5c1c8e-0000-4d0e-9f4b-000000000001"}
    assert principal.email == "grey@hospital.test"
    assert principal.has_mfa(("mfa",))


def test_entra_id_app_token_is_a_service_account() -> None:
    claims = {"sub": "sp-object-id", "idtyp": "app", "roles": ["Notes.Write"], "azp": "app-id"}
    principal = principal_from_claims(claims, _issuer(service_account_claims={"idtyp": "app"}))
    assert principal.kind is PrincipalKind.SERVICE_ACCOUNT
    assert principal.roles == {"Notes.Write"}


def test_keycloak_realm_roles() -> None:
    claims = {
        "sub": "f:1234",
        "realm_access": {"roles": ["clinician", "offline_access"]},
        "acr": "gold",
        "azp": "router",
    }
    principal = principal_from_claims(claims, _issuer(roles_claim="realm_access.roles"))
    assert principal.roles == {"clinician", "offline_access"}
    assert principal.has_mfa(("gold",))
    assert not principal.has_mfa(("mfa",))


def test_okta_client_credentials_token_is_a_service_account() -> None:
    claims = {"sub": "0oa1client", "cid": "0oa1client", "scp": ["router"]}
    assert principal_from_claims(claims, _issuer()).kind is PrincipalKind.SERVICE_ACCOUNT


def test_okta_person_with_groups() -> None:
    claims = {"sub": "00u1person", "cid": "0oa1client", "groups": ["Everyone", "Clinicians"]}
    principal = principal_from_claims(claims, _issuer())
    assert principal.kind is PrincipalKind.USER
    assert principal.groups == {"Everyone", "Clinicians"}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("user", PrincipalKind.USER), ("service_account", PrincipalKind.SERVICE_ACCOUNT)],
)
def test_an_issuer_can_fix_the_kind(kind: str, expected: PrincipalKind) -> None:
    claims = {"sub": "client-a", "client_id": "client-a"}
    assert principal_from_claims(claims, _issuer(principal_kind=kind)).kind is expected


def test_claims_of_the_wrong_shape_are_ignored() -> None:
    claims = {"sub": "u", "groups": "single-group", "roles": {"not": "a list"}, "amr": 7}
    principal = principal_from_claims(claims, _issuer())
    assert principal.groups == {"single-group"}
    assert principal.roles == frozenset()
    assert principal.authentication_methods == frozenset()


def test_claim_at_walks_dotted_paths() -> None:
    claims = {"resource_access": {"router": {"roles": ["a"]}}}
    assert claim_at(claims, "resource_access.router.roles") == ["a"]
    assert claim_at(claims, "resource_access.other.roles") is None
    assert claim_at({"a": "text"}, "a.b") is None
