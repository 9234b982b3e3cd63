"""Where the key-encryption keys come from, and what production refuses."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from router.app import create_app
from router.audit.config import AuditSettings
from router.audit.keyring import AuditKeyError, key_id_of, load_key_ring
from router.settings import Settings


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_development_creates_a_private_key_once_and_reuses_it(tmp_path: Path) -> None:
    first = load_key_ring(AuditSettings(), tmp_path, "development")
    key_file = tmp_path / "audit-keys" / f"{first.active_id}.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = load_key_ring(AuditSettings(), tmp_path, "development")
    assert second.active_id == first.active_id
    assert second.active_key == first.active_key
    assert first.active_id == key_id_of(first.active_key)


def test_production_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    with pytest.raises(AuditKeyError, match="production needs an audit key"):
        load_key_ring(AuditSettings(), tmp_path, "production")
    assert not (tmp_path / "audit-keys").exists()


@pytest.mark.parametrize(
    "key",
    [bytes(32), b"\x01" * 32, b"changeme-changeme-changeme-12345", bytes(range(8)) * 4],
    ids=["zeros", "constant", "password", "repetitive"],
)
def test_production_refuses_a_default_looking_key(tmp_path: Path, key: bytes) -> None:
    audit = AuditSettings(key=SecretStr(_b64(key)))
    with pytest.raises(AuditKeyError, match="looks like a default"):
        load_key_ring(audit, tmp_path, "production")
    assert load_key_ring(audit, tmp_path, "development").active_key == key


def test_production_accepts_a_random_key_from_the_key_file(tmp_path: Path) -> None:
    key = os.urandom(32)
    key_file = tmp_path / "kek"
    key_file.write_text(_b64(key) + "\n")
    ring = load_key_ring(AuditSettings(key_file=key_file), tmp_path, "production")
    assert ring.active_key == key


@pytest.mark.parametrize(
    ("text", "message"),
    [("not base64!", "not valid base64"), (_b64(os.urandom(16)), "must be 32 bytes")],
)
def test_malformed_keys_are_named_without_their_value(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(AuditKeyError, match=message) as raised:
        load_key_ring(AuditSettings(key=SecretStr(text)), tmp_path, "development")
    assert text not in str(raised.value)


def test_a_missing_key_file_is_an_error(tmp_path: Path) -> None:
    audit = AuditSettings(key_file=tmp_path / "absent")
    with pytest.raises(AuditKeyError, match="cannot be read"):
        load_key_ring(audit, tmp_path, "development")


def test_the_ring_holds_every_source_and_the_active_id_chooses(tmp_path: Path) -> None:
    directory_ring = load_key_ring(AuditSettings(), tmp_path, "development")
    env_key = os.urandom(32)
    audit = AuditSettings(key=SecretStr(_b64(env_key)))
    ring = load_key_ring(audit, tmp_path, "development")
    assert set(ring.keys) == {directory_ring.active_id, key_id_of(env_key)}
    assert ring.active_id == directory_ring.active_id  # the key directory's ACTIVE file wins
    chosen = audit.model_copy(update={"active_key_id": key_id_of(env_key)})
    assert load_key_ring(chosen, tmp_path, "development").active_key == env_key
    unknown = audit.model_copy(update={"active_key_id": "kek-unknown"})
    with pytest.raises(AuditKeyError, match="not in the key ring"):
        load_key_ring(unknown, tmp_path, "development")


def test_the_helm_variable_name_reaches_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVEREIGN_ROUTER_AUDIT__KEY_FILE", str(tmp_path / "kek"))
    monkeypatch.setenv("SOVEREIGN_ROUTER_AUDIT__RETENTION_DAYS", "3000")
    monkeypatch.setenv("SOVEREIGN_ROUTER_AUDIT__WORKLOAD_RETENTION_DAYS", '{"claims": 4000}')
    audit = Settings().audit
    assert audit.key_file == tmp_path / "kek"
    assert (audit.retention_for("general"), audit.retention_for("claims")) == (3000, 4000)


def test_the_router_refuses_to_start_in_production_without_a_key(tmp_path: Path) -> None:
    settings = Settings(
        environment="production",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'router.db'}",
    )
    with pytest.raises(AuditKeyError, match="production needs an audit key"):
        create_app(settings)
