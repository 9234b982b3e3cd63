"""API keys for applications: shown once, stored as hashes, scoped, expirable, revocable.

A key reads `srk_<id>_<secret>`. The id is a visible prefix that names the key in lists and
audit records; only the SHA-256 of the secret is stored. A key carries 256 bits of randomness,
so a fast hash is enough: there is nothing to brute-force that a slow hash would protect.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import JSON, Column, DateTime
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, SQLModel, col, select

from router.errors import AuthenticationFailed, ServiceUnavailable
from router.identity.principal import Principal, PrincipalKind
from router.storage.db import Database
from router.tiers import Tier

log = logging.getLogger(__name__)

KEY_PREFIX = "srk_"
_ID_BYTES = 6
_SECRET_BYTES = 32


class ApiKeyRecord(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(index=True, max_length=200)
    secret_hash: str = Field(max_length=64)
    application: str = ""
    team: str = ""
    environment: str = ""
    workloads: list[str] = Field(sa_column=Column(JSON, nullable=False))
    tiers: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    revoked_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    replaced_by: str | None = Field(default=None, max_length=32)
    rotated_from: str | None = Field(default=None, max_length=32)
    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A newly created key: `secret` is shown to the operator once and never stored."""

    record: ApiKeyRecord
    secret: str


@dataclass(frozen=True, slots=True)
class KeyScope:
    workloads: tuple[str, ...]
    tiers: tuple[Tier, ...] | None = None
    application: str = ""
    team: str = ""
    environment: str = ""
    requests_per_minute: int | None = None  # None: the settings' default for principals
    tokens_per_minute: int | None = None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def split_key(presented: str) -> tuple[str, str] | None:
    """The key id and secret of a well-formed key, or None."""
    if not presented.startswith(KEY_PREFIX):
        return None
    key_id, separator, secret = presented[len(KEY_PREFIX) :].partition("_")
    if not separator or not key_id or not secret or len(presented) > 200:
        return None
    return KEY_PREFIX + key_id, secret


class ApiKeyStore:
    """Creates and verifies keys. The database is the truth; the cache lives seconds."""

    def __init__(self, database: Database, cache_seconds: float = 2.0) -> None:
        self._database = database
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, ApiKeyRecord | None]] = {}

    def create(
        self,
        name: str,
        scope: KeyScope,
        expires_at: dt.datetime | None = None,
    ) -> IssuedKey:
        issued = _new_key(name, scope, expires_at)
        with self._database.session() as session:
            session.add(issued.record)
            session.commit()
        return issued

    def rotate(self, key_id: str, grace: dt.timedelta) -> IssuedKey | None:
        """A new key with the old one's scope; the old one stops working after `grace`.

        A revocation time in the future is the grace period: `_usable` honours it, so every
        replica agrees on the moment without coordination. None when the key is unknown,
        revoked, or already rotated (rotate its successor instead).
        """
        with self._database.session() as session:
            old = session.get(ApiKeyRecord, key_id)
            if old is None or old.replaced_by is not None or not _usable(old, _now()):
                return None
            issued = _new_key(old.name, _scope_of(old), _aware(old.expires_at), old.id)
            old.revoked_at = _now() + grace
            old.replaced_by = issued.record.id
            session.add(issued.record)
            session.add(old)
            session.commit()
        self._cache.pop(key_id, None)
        return issued

    def list(self) -> Sequence[ApiKeyRecord]:
        with self._database.session() as session:
            return session.exec(select(ApiKeyRecord).order_by(col(ApiKeyRecord.created_at))).all()

    def revoke(self, key_id: str) -> bool:
        with self._database.session() as session:
            record = session.get(ApiKeyRecord, key_id)
            if record is None:
                return False
            revoked_at = _aware(record.revoked_at)
            # Revoking a key in its rotation grace period ends the grace period at once.
            if revoked_at is None or revoked_at > _now():
                record.revoked_at = _now()
            session.add(record)
            session.commit()
        self._cache.pop(key_id, None)
        return True

    def authenticate(self, presented: str) -> Principal:
        """The principal behind a presented key; raises `AuthenticationFailed` otherwise.

        Every failure gives the same message, so a caller cannot tell an unknown key from a
        revoked or expired one.
        """
        key_id, secret = _parts(presented)
        return _verified(self._lookup(key_id), secret)

    def authenticate_cached(self, presented: str) -> Principal | None:
        """What `authenticate` would answer, from the cache alone; None when it must ask the
        database. Never blocks, so the event loop may call it without a thread hop."""
        key_id, secret = _parts(presented)
        cached = self._cache.get(key_id)
        if cached is None or time.monotonic() - cached[0] >= self._cache_seconds:
            return None
        return _verified(cached[1], secret)

    def _lookup(self, key_id: str) -> ApiKeyRecord | None:
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        try:
            with self._database.session() as session:
                record = session.get(ApiKeyRecord, key_id)
        except SQLAlchemyError:
            # Fail closed, and say so: a stale cache could honour a revoked key, and a 500
            # would hide that the store, not the caller, is at fault.
            log.error("the API key store is unreachable; refusing the request")
            raise ServiceUnavailable(
                "The credential store is unavailable; try again shortly.",
                code="credential_store_unavailable",
            ) from None
        self._cache[key_id] = (now, record)
        return record


def _usable(record: ApiKeyRecord, now: dt.datetime) -> bool:
    revoked_at = _aware(record.revoked_at)
    expires_at = _aware(record.expires_at)
    if revoked_at is not None and revoked_at <= now:
        return False
    return expires_at is None or now < expires_at


def _unusable_reason(record: ApiKeyRecord, now: dt.datetime) -> str:
    revoked_at = _aware(record.revoked_at)
    if revoked_at is not None and revoked_at <= now:
        return "rotated_api_key" if record.replaced_by else "revoked_api_key"
    return "expired_api_key"


def _parts(presented: str) -> tuple[str, str]:
    parts = split_key(presented)
    if parts is None:
        raise AuthenticationFailed(reason="malformed_api_key")
    return parts


def _verified(record: ApiKeyRecord | None, secret: str) -> Principal:
    if record is None or not hmac.compare_digest(record.secret_hash, _hash(secret)):
        raise AuthenticationFailed(reason="unknown_api_key")
    if not _usable(record, _now()):
        raise AuthenticationFailed(reason=_unusable_reason(record, _now()))
    return _principal(record)


def _principal(record: ApiKeyRecord) -> Principal:
    return Principal(
        kind=PrincipalKind.API_KEY,
        subject=f"api-key:{record.id}",
        name=record.name,
        key_id=record.id,
        workloads=frozenset(record.workloads),
        tiers=frozenset(Tier(t) for t in record.tiers) if record.tiers is not None else None,
        application=record.application,
        team=record.team,
        environment=record.environment,
        requests_per_minute=record.requests_per_minute,
        tokens_per_minute=record.tokens_per_minute,
    )


def _new_key(
    name: str, scope: KeyScope, expires_at: dt.datetime | None, rotated_from: str | None = None
) -> IssuedKey:
    key_id = KEY_PREFIX + secrets.token_hex(_ID_BYTES)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    record = ApiKeyRecord(
        id=key_id,
        name=name,
        secret_hash=_hash(secret),
        application=scope.application,
        team=scope.team,
        environment=scope.environment,
        workloads=list(scope.workloads),
        tiers=[tier.value for tier in scope.tiers] if scope.tiers is not None else None,
        created_at=_now(),
        expires_at=expires_at,
        rotated_from=rotated_from,
        requests_per_minute=scope.requests_per_minute,
        tokens_per_minute=scope.tokens_per_minute,
    )
    return IssuedKey(record=record, secret=f"{key_id}_{secret}")


def _scope_of(record: ApiKeyRecord) -> KeyScope:
    return KeyScope(
        workloads=tuple(record.workloads),
        tiers=tuple(Tier(t) for t in record.tiers) if record.tiers is not None else None,
        application=record.application,
        team=record.team,
        environment=record.environment,
        requests_per_minute=record.requests_per_minute,
        tokens_per_minute=record.tokens_per_minute,
    )
