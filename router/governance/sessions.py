"""Dashboard sessions: encrypted, authenticated cookies with an idle and an absolute timeout.

The cookie holds who signed in, whether they are an auditor and the CSRF token of their forms,
sealed with AES-GCM under a key derived from the session secret, so it can be neither read nor
forged, and any replica (or uvicorn worker) with the same secret accepts it. It is refreshed on
each request; one idle for `session_idle_minutes` or older than `session_max_hours` is refused.
Logout deletes it from the browser; as with any stateless session a copy stolen before logout
stays usable until its idle timeout, which is why that timeout is short.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from router.governance.settings import GovernanceSettings

SECRET_FILE = "governance-session.secret"  # noqa: S105 - a file name, not a secret
MIN_SECRET_LENGTH = 32
LOGIN_SECONDS = 600  # from leaving for the IdP to coming back


class GovernanceConfigError(Exception):
    """The dashboard cannot start safely (production without a session secret)."""


@dataclass(frozen=True, slots=True)
class DashboardSession:
    subject: str
    name: str
    auditor: bool
    csrf: str
    issued_at: float
    seen_at: float


@dataclass(frozen=True, slots=True)
class LoginState:
    """What the callback must check: the `state` and `nonce` sent, and the PKCE verifier."""

    state: str
    nonce: str
    verifier: str
    issued_at: float


def load_session_secret(settings: GovernanceSettings, data_dir: Path, environment: str) -> bytes:
    """The configured secret; in development one generated once into the data directory."""
    if settings.session_secret is not None:
        secret = settings.session_secret.get_secret_value()
        if len(secret) < MIN_SECRET_LENGTH:
            raise GovernanceConfigError(
                f"governance.session_secret must be at least {MIN_SECRET_LENGTH} characters"
            )
        return secret.encode()
    if environment == "production":
        raise GovernanceConfigError("production needs governance.session_secret")
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


class SessionCodec:
    """Seals and opens the session and login-state cookies."""

    def __init__(
        self,
        secret: bytes,
        settings: GovernanceSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # One derived key per purpose, so a login cookie can never be replayed as a session.
        self._session_key = AESGCM(_derive(secret, b"session"))
        self._login_key = AESGCM(_derive(secret, b"login"))
        self._idle = settings.session_idle_minutes * 60
        self._max_age = settings.session_max_hours * 3600
        self._clock = clock
        prefix = "__Host-" if settings.cookie_secure else ""
        self.session_cookie = f"{prefix}sr-governance"
        self.login_cookie = f"{prefix}sr-governance-login"

    @property
    def idle_seconds(self) -> int:
        return self._idle

    def new_session(self, subject: str, name: str, *, auditor: bool) -> DashboardSession:
        now = self._clock()
        csrf = secrets.token_urlsafe(32)
        return DashboardSession(subject, name, auditor, csrf, issued_at=now, seen_at=now)

    def seal_session(self, session: DashboardSession) -> str:
        return _seal(self._session_key, self.session_cookie, asdict(session))

    def open_session(self, cookie: str | None) -> DashboardSession | None:
        """The session if the cookie is genuine and neither idle nor too old; else None."""
        content = _open(self._session_key, self.session_cookie, cookie)
        if content is None:
            return None
        try:
            session = DashboardSession(**content)
        except TypeError:
            return None
        now = self._clock()
        if now - session.seen_at > self._idle or now - session.issued_at > self._max_age:
            return None
        return replace(session, seen_at=now)

    def new_login(self) -> LoginState:
        return LoginState(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            verifier=secrets.token_urlsafe(64),
            issued_at=self._clock(),
        )

    def seal_login(self, login: LoginState) -> str:
        return _seal(self._login_key, self.login_cookie, asdict(login))

    def open_login(self, cookie: str | None) -> LoginState | None:
        content = _open(self._login_key, self.login_cookie, cookie)
        if content is None:
            return None
        try:
            login = LoginState(**content)
        except TypeError:
            return None
        if self._clock() - login.issued_at > LOGIN_SECONDS:
            return None
        return login


def csrf_matches(session: DashboardSession, presented: str | None) -> bool:
    """The synchronizer token of the session, compared in constant time."""
    return bool(presented) and hmac.compare_digest(session.csrf, str(presented))


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return hmac.new(secret, b"sovereign-router governance " + purpose, hashlib.sha256).digest()


def _seal(key: AESGCM, name: str, content: dict[str, Any]) -> str:
    nonce = os.urandom(12)
    sealed = key.encrypt(nonce, json.dumps(content).encode(), name.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def _open(key: AESGCM, name: str, cookie: str | None) -> dict[str, Any] | None:
    if not cookie or len(cookie) > 4096:
        return None
    try:
        raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
        plain = key.decrypt(raw[:12], raw[12:], name.encode())
        content = json.loads(plain)
    except (InvalidTag, ValueError, binascii.Error):
        return None
    return content if isinstance(content, dict) else None
