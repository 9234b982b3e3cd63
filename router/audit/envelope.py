"""Envelope encryption of audit bodies: AES-256-GCM under a fresh data key per entry.

The data key is wrapped with AES key wrap (RFC 3394) by a key-encryption key from the key ring.
The associated data names the record and the entry kind, so a body moved to another record (or
from a request to a response) fails to decrypt. Destroying the wrapped key shreds the body.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from router.audit.keyring import AuditKeyError, KeyRing

_NONCE_BYTES = 12
_AAD_PREFIX = b"sovereign-router/audit-body/v1\x00"


class BodyUnreadable(Exception):
    """A body that cannot be decrypted: shredded, tampered with, or its key is gone."""


@dataclass(frozen=True, slots=True)
class SealedBody:
    key_id: str
    wrapped_key: bytes
    ciphertext: bytes  # nonce followed by the GCM ciphertext and tag

    @property
    def digest(self) -> str:
        """What the hash chain covers: the ciphertext, so the chain survives shredding."""
        return body_digest(self.ciphertext)


def body_digest(ciphertext: bytes) -> str:
    return hashlib.sha256(ciphertext).hexdigest()


def associated_data(request_id: str, kind: str) -> bytes:
    return _AAD_PREFIX + request_id.encode() + b"\x00" + kind.encode()


def seal(ring: KeyRing, plaintext: bytes, request_id: str, kind: str) -> SealedBody:
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, associated_data(request_id, kind))
    return SealedBody(
        key_id=ring.active_id,
        wrapped_key=aes_key_wrap(ring.active_key, data_key),
        ciphertext=nonce + ciphertext,
    )


def open_sealed(ring: KeyRing, sealed: SealedBody, request_id: str, kind: str) -> bytes:
    try:
        data_key = aes_key_unwrap(ring.get(sealed.key_id), sealed.wrapped_key)
        nonce, ciphertext = sealed.ciphertext[:_NONCE_BYTES], sealed.ciphertext[_NONCE_BYTES:]
        return AESGCM(data_key).decrypt(nonce, ciphertext, associated_data(request_id, kind))
    except (InvalidUnwrap, InvalidTag, AuditKeyError, ValueError):
        raise BodyUnreadable(f"the {kind} body of {request_id} cannot be decrypted") from None


def rewrap(ring: KeyRing, key_id: str, wrapped_key: bytes) -> bytes:
    """The same data key, wrapped by the active key instead of `key_id`."""
    try:
        data_key = aes_key_unwrap(ring.get(key_id), wrapped_key)
    except InvalidUnwrap:
        raise BodyUnreadable("a data key cannot be unwrapped") from None
    return aes_key_wrap(ring.active_key, data_key)
