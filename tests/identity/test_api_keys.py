"""API keys: scopes, limits, expiry, rotation with a grace period, revocation; on SQLite and on
a real PostgreSQL database of their own."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from router.errors import AuthenticationFailed
from router.identity.api_keys import ApiKeyStore, KeyScope
from router.identity.principal import PrincipalKind
from router.storage.db import Database
from router.tiers import Tier

_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        found = Database(f"sqlite:///{tmp_path / 'keys.db'}")
        found.migrate()
        yield found
        found.dispose()
        return
    name = f"sr_identity_{secrets.token_hex(6)}"
    with psycopg.connect(_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    found = Database(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    try:
        found.migrate()
        yield found
    finally:
        found.dispose()
        with psycopg.connect(_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _reason(store: ApiKeyStore, secret: str) -> str:
    with pytest.raises(AuthenticationFailed) as raised:
        store.authenticate(secret)
    assert raised.value.message == "Invalid or missing credentials."  # the same for every cause
    return raised.value.reason


def test_a_key_carries_its_whole_scope(database: Database) -> None:
    store = ApiKeyStore(database, cache_seconds=0)
    scope = KeyScope(
        workloads=("clinical", "general"),
        tiers=(Tier.NON_PHI, Tier.PHI_HEAVY),
        application="discharge-app",
        team="cardiology",
        environment="production",
        requests_per_minute=30,
        tokens_per_minute=5000,
    )
    issued = store.create("discharge", scope)
    principal = store.authenticate(issued.secret)
    assert principal.kind is PrincipalKind.API_KEY
    assert principal.workloads == frozenset({"clinical", "general"})
    assert principal.tiers == frozenset({Tier.NON_PHI, Tier.PHI_HEAVY})
    assert (principal.application, principal.team, principal.environment) == (
        "discharge-app",
        "cardiology",
        "production",
    )
    assert (principal.requests_per_minute, principal.tokens_per_minute) == (30, 5000)
    assert not principal.may_use_tier(Tier.SOMETIMES_PHI)


def test_expired_and_unknown_keys(database: Database) -> None:
    store = ApiKeyStore(database, cache_seconds=0)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    expired = store.create("old", KeyScope(workloads=("general",)), expires_at=past)
    assert _reason(store, expired.secret) == "expired_api_key"
    assert _reason(store, expired.secret[:-2] + "xx") == "unknown_api_key"
    assert _reason(store, "srk_nounderscore") == "malformed_api_key"


def test_rotation_keeps_the_old_key_for_the_grace_period(database: Database) -> None:
    store = ApiKeyStore(database, cache_seconds=0)
    old = store.create("app", KeyScope(workloads=("general",), application="a", team="t"))
    new = store.rotate(old.record.id, dt.timedelta(hours=1))
    assert new is not None
    assert new.record.rotated_from == old.record.id
    assert store.authenticate(old.secret).key_id == old.record.id
    fresh = store.authenticate(new.secret)
    assert (fresh.workloads, fresh.application, fresh.team) == (frozenset({"general"}), "a", "t")
    # Rotating the same key again is refused (it would stretch its grace period): rotate the
    # successor instead.
    assert store.rotate(old.record.id, dt.timedelta(hours=1)) is None
    assert store.rotate(new.record.id, dt.timedelta(hours=1)) is not None


def test_a_rotated_key_stops_after_its_grace_period(database: Database) -> None:
    store = ApiKeyStore(database, cache_seconds=0)
    old = store.create("app", KeyScope(workloads=("general",)))
    new = store.rotate(old.record.id, dt.timedelta(0))
    assert new is not None
    assert _reason(store, old.secret) == "rotated_api_key"
    assert store.authenticate(new.secret).key_id == new.record.id


def test_revoking_during_the_grace_period_ends_it_at_once(database: Database) -> None:
    store = ApiKeyStore(database, cache_seconds=0)
    old = store.create("app", KeyScope(workloads=("general",)))
    assert store.rotate(old.record.id, dt.timedelta(days=7)) is not None
    assert store.revoke(old.record.id)
    assert _reason(store, old.secret) == "rotated_api_key"


def test_revoked_keys_cannot_be_rotated(database: Database) -> None:
    store = ApiKeyStore(database, cache_seconds=0)
    old = store.create("app", KeyScope(workloads=("general",)))
    store.revoke(old.record.id)
    assert _reason(store, old.secret) == "revoked_api_key"
    assert store.rotate(old.record.id, dt.timedelta(hours=1)) is None
    assert store.rotate("srk_000000000000", dt.timedelta(hours=1)) is None


def test_the_cache_answers_alone_only_while_fresh(database: Database) -> None:
    store = ApiKeyStore(database, cache_seconds=60)
    issued = store.create("app", KeyScope(workloads=("general",)))
    assert store.authenticate_cached(issued.secret) is None  # never seen: ask the database
    assert store.authenticate(issued.secret).key_id == issued.record.id
    cached = store.authenticate_cached(issued.secret)
    assert cached is not None and cached.key_id == issued.record.id
    with pytest.raises(AuthenticationFailed) as wrong:
        store.authenticate_cached(issued.secret[:-2] + "xx")  # a cached key, the wrong secret
    assert wrong.value.reason == "unknown_api_key"
    store.revoke(issued.record.id)  # drops the entry: the next answer comes from the database
    assert store.authenticate_cached(issued.secret) is None
    assert _reason(store, issued.secret) == "revoked_api_key"
    with pytest.raises(AuthenticationFailed):
        store.authenticate_cached(issued.secret)  # the revocation is cached as well


def test_a_stale_cache_entry_is_not_trusted(database: Database) -> None:
    store = ApiKeyStore(database, cache_seconds=0)
    issued = store.create("app", KeyScope(workloads=("general",)))
    store.authenticate(issued.secret)
    assert store.authenticate_cached(issued.secret) is None
