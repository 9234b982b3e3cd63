"""Session cookies: sealed, tamper-evident, idle and absolute timeouts, secrets per environment."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import SecretStr

from router.governance.sessions import (
    LOGIN_SECONDS,
    GovernanceConfigError,
    SessionCodec,
    csrf_matches,
    load_session_secret,
)
from router.governance.settings import GovernanceSettings

SECRET = b"s" * 40


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def codec(clock: Clock, **settings: object) -> SessionCodec:
    return SessionCodec(SECRET, GovernanceSettings(**settings), clock)


def test_a_session_survives_the_round_trip_and_is_opaque() -> None:
    sessions = codec(Clock())
    session = sessions.new_session("u-1", "Grace Governance", auditor=True)
    cookie = sessions.seal_session(session)
    assert "Grace" not in cookie and "u-1" not in cookie
    assert sessions.open_session(cookie) == session


def test_tampered_or_foreign_cookies_are_refused() -> None:
    clock = Clock()
    sessions = codec(clock)
    cookie = sessions.seal_session(sessions.new_session("u-1", "", auditor=False))
    flipped = cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1]
    assert sessions.open_session(flipped) is None
    other = SessionCodec(b"o" * 40, GovernanceSettings(), clock)
    assert other.open_session(cookie) is None
    assert sessions.open_session("") is None
    assert sessions.open_session("not base64 !!") is None
    assert sessions.open_session("x" * 5000) is None


def test_a_login_cookie_is_not_a_session() -> None:
    sessions = codec(Clock())
    login = sessions.new_login()
    assert sessions.open_session(sessions.seal_login(login)) is None
    assert sessions.open_login(sessions.seal_login(login)) == login


def test_idle_sessions_expire_and_use_restarts_the_clock() -> None:
    clock = Clock()
    sessions = codec(clock, session_idle_minutes=15)
    cookie = sessions.seal_session(sessions.new_session("u-1", "", auditor=False))
    clock.now += 14 * 60
    refreshed = sessions.open_session(cookie)
    assert refreshed is not None
    clock.now += 14 * 60
    assert sessions.open_session(cookie) is None  # the old cookie went idle
    assert sessions.open_session(sessions.seal_session(refreshed)) is not None


def test_sessions_end_after_their_maximum_age_even_when_used() -> None:
    clock = Clock()
    sessions = codec(clock, session_idle_minutes=60, session_max_hours=1)
    session = sessions.new_session("u-1", "", auditor=False)
    clock.now += 3601
    assert sessions.open_session(sessions.seal_session(replace(session, seen_at=clock.now))) is None


def test_login_state_expires() -> None:
    clock = Clock()
    sessions = codec(clock)
    cookie = sessions.seal_login(sessions.new_login())
    clock.now += LOGIN_SECONDS + 1
    assert sessions.open_login(cookie) is None


def test_cookie_names_use_the_host_prefix_only_when_secure() -> None:
    assert codec(Clock()).session_cookie == "__Host-sr-governance"
    assert codec(Clock(), cookie_secure=False).session_cookie == "sr-governance"


def test_csrf_tokens_must_match() -> None:
    session = codec(Clock()).new_session("u-1", "", auditor=False)
    assert csrf_matches(session, session.csrf)
    assert not csrf_matches(session, None)
    assert not csrf_matches(session, "")
    assert not csrf_matches(session, session.csrf[:-1] + "x")


def test_production_requires_a_long_enough_secret(tmp_path: Path) -> None:
    with pytest.raises(GovernanceConfigError):
        load_session_secret(GovernanceSettings(), tmp_path, "production")
    short = GovernanceSettings(session_secret=SecretStr("short"))
    with pytest.raises(GovernanceConfigError):
        load_session_secret(short, tmp_path, "production")
    configured = GovernanceSettings(session_secret=SecretStr("p" * 32))
    assert load_session_secret(configured, tmp_path, "production") == b"p" * 32
    assert not any(tmp_path.iterdir())


def test_development_generates_a_private_secret_once(tmp_path: Path) -> None:
    first = load_session_secret(GovernanceSettings(), tmp_path / "data", "development")
    second = load_session_secret(GovernanceSettings(), tmp_path / "data", "development")
    assert first == second and len(first) >= 32
    (secret_file,) = (tmp_path / "data").iterdir()
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
