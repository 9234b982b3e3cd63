"""The key ring: every key-encryption key (KEK) the audit trail may need, by id.

New records use the active key; records written under older keys stay readable as long as
those keys stay in the ring. A key id is a fingerprint of the key itself, so a key can never
be filed under the wrong id. Keys come from three places, merged:

- the key directory (`<data_dir>/audit-keys` by default): `<key id>.key` files (base64 of 32
  random bytes, mode 0600) and an `ACTIVE` file naming the active id; `audit rotate-key`
  writes here;
- `SOVEREIGN_ROUTER_AUDIT__KEY` (base64);
- `SOVEREIGN_ROUTER_AUDIT__KEY_FILE` (a file holding the base64 key, as the Helm chart mounts).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from router.audit.config import AuditSettings

log = logging.getLogger(__name__)

KEY_BYTES = 32
ACTIVE_FILE = "ACTIVE"
_CHAIN_KEY_INFO = b"sovereign-router/audit-chain/v1"


class AuditKeyError(Exception):
    """The audit keys are missing, malformed or unsafe; the message names no key material."""


@dataclass(frozen=True, slots=True)
class KeyRing:
    keys: Mapping[str, bytes]
    active_id: str

    def get(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise AuditKeyError(f"audit key {key_id} is not in the key ring") from None

    def chain_key(self, key_id: str) -> bytes:
        """The HMAC key for the hash chain, derived so it is never the wrapping key itself."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CHAIN_KEY_INFO)
        return hkdf.derive(self.get(key_id))

    @property
    def active_key(self) -> bytes:
        return self.get(self.active_id)


def key_id_of(key: bytes) -> str:
    return "kek-" + hashlib.sha256(b"sovereign-router/audit-key-id/v1" + key).hexdigest()[:16]


def decode_key(text: str, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise AuditKeyError(f"the audit key from {source} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise AuditKeyError(f"the audit key from {source} must be 32 bytes (base64 of 32 bytes)")
    return key


def looks_unsafe(key: bytes) -> bool:
    """True for keys nobody drew at random: constant, repetitive or plain text (a password).

    32 random bytes have about 30 distinct values and are all printable ASCII with odds of
    about one in 10^14, so neither test rejects a real key.
    """
    return len(set(key)) < 16 or all(32 <= byte < 127 for byte in key)


def key_directory(audit: AuditSettings, data_dir: Path) -> Path:
    return audit.key_dir or data_dir / "audit-keys"


def load_key_ring(audit: AuditSettings, data_dir: Path, environment: str) -> KeyRing:
    """Gather the keys; in development create a first key when there is none."""
    directory = key_directory(audit, data_dir)
    keys: dict[str, bytes] = {}
    preferred: list[str] = []
    for key in _directory_keys(directory):
        keys[key_id_of(key)] = key
    if audit.key is not None:
        key = decode_key(audit.key.get_secret_value(), "SOVEREIGN_ROUTER_AUDIT__KEY")
        keys[key_id_of(key)] = key
        preferred.append(key_id_of(key))
    if audit.key_file is not None:
        key = _read_key_file(audit.key_file)
        keys[key_id_of(key)] = key
        preferred.append(key_id_of(key))
    if not keys:
        if environment == "production":
            raise AuditKeyError(
                "production needs an audit key-encryption key: set "
                "SOVEREIGN_ROUTER_AUDIT__KEY_FILE or SOVEREIGN_ROUTER_AUDIT__KEY "
                "(32 random bytes, base64: openssl rand -base64 32)"
            )
        log.warning("no audit key configured; creating one in %s (development only)", directory)
        return install_new_key(directory)
    active = audit.active_key_id or _read_active(directory) or (preferred or sorted(keys))[0]
    ring = KeyRing(keys=keys, active_id=active)
    ring.get(active)  # an unknown active id is a configuration error, reported now
    if environment == "production":
        _refuse_unsafe_keys(ring)
    return ring


def install_new_key(directory: Path) -> KeyRing:
    """Write a fresh random key into the key directory and make it the active one."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    key_id = key_id_of(key)
    _write_private(directory / f"{key_id}.key", base64.b64encode(key).decode() + "\n")
    _write_private(directory / f".{ACTIVE_FILE}.tmp", key_id + "\n")
    os.replace(directory / f".{ACTIVE_FILE}.tmp", directory / ACTIVE_FILE)
    keys = {key_id_of(k): k for k in _directory_keys(directory)}
    return KeyRing(keys=keys, active_id=key_id)


def _directory_keys(directory: Path) -> list[bytes]:
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob("*.key"))
    return [decode_key(path.read_text(), f"key file {path.name}") for path in paths]


def _read_key_file(path: Path) -> bytes:
    try:
        text = path.read_text()
    except OSError:
        raise AuditKeyError(f"the audit key file {path} cannot be read") from None
    return decode_key(text, f"key file {path}")


def _read_active(directory: Path) -> str | None:
    path = directory / ACTIVE_FILE
    if not path.is_file():
        return None
    return path.read_text().strip() or None


def _refuse_unsafe_keys(ring: KeyRing) -> None:
    for key_id, key in ring.keys.items():
        if looks_unsafe(key):
            raise AuditKeyError(
                f"audit key {key_id} looks like a default or a password, not 32 random bytes; "
                "production refuses it (generate one with: openssl rand -base64 32)"
            )


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
