"""Envelope encryption: a fresh data key per body, bound to its record, readable after rotation."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.audit.config import AuditSettings
from router.audit.envelope import BodyUnreadable, SealedBody, open_sealed, rewrap, seal
from router.audit.keyring import KeyRing, install_new_key, load_key_ring
from tests.audit.records import dev_ring

BODY = b'{"messages":[{"role":"user","content":"Jane Doe, MRN 12345678"}]}'


def test_a_body_round_trips_and_its_ciphertext_hides_it(tmp_path: Path) -> None:
    ring = dev_ring(tmp_path)
    sealed = seal(ring, BODY, "req-1", "open")
    assert b"Jane" not in sealed.ciphertext and b"Jane" not in sealed.wrapped_key
    assert sealed.key_id == ring.active_id
    assert open_sealed(ring, sealed, "req-1", "open") == BODY


def test_every_body_gets_a_fresh_data_key(tmp_path: Path) -> None:
    ring = dev_ring(tmp_path)
    first, second = seal(ring, BODY, "req-1", "open"), seal(ring, BODY, "req-1", "open")
    assert first.wrapped_key != second.wrapped_key
    assert first.ciphertext != second.ciphertext


@pytest.mark.parametrize(("request_id", "kind"), [("req-2", "open"), ("req-1", "close")])
def test_a_body_moved_to_another_record_or_kind_does_not_decrypt(
    tmp_path: Path, request_id: str, kind: str
) -> None:
    ring = dev_ring(tmp_path)
    sealed = seal(ring, BODY, "req-1", "open")
    with pytest.raises(BodyUnreadable, match=request_id):
        open_sealed(ring, sealed, request_id, kind)


def test_a_flipped_bit_or_a_swapped_data_key_is_detected(tmp_path: Path) -> None:
    ring = dev_ring(tmp_path)
    sealed = seal(ring, BODY, "req-1", "open")
    other = seal(ring, BODY, "req-1", "open")
    flipped = sealed.ciphertext[:-1] + bytes([sealed.ciphertext[-1] ^ 1])
    for tampered in (
        SealedBody(sealed.key_id, sealed.wrapped_key, flipped),
        SealedBody(sealed.key_id, other.wrapped_key, sealed.ciphertext),
    ):
        with pytest.raises(BodyUnreadable):
            open_sealed(ring, tampered, "req-1", "open")


def test_old_bodies_stay_readable_after_rotation_and_can_be_rewrapped(tmp_path: Path) -> None:
    old_ring = dev_ring(tmp_path)
    sealed = seal(old_ring, BODY, "req-1", "open")
    install_new_key(tmp_path / "audit-keys")
    ring = load_key_ring(AuditSettings(), tmp_path, "development")
    assert ring.active_id != old_ring.active_id
    assert open_sealed(ring, sealed, "req-1", "open") == BODY
    moved = SealedBody(
        ring.active_id, rewrap(ring, sealed.key_id, sealed.wrapped_key), sealed.ciphertext
    )
    without_old = KeyRing(keys={ring.active_id: ring.active_key}, active_id=ring.active_id)
    assert open_sealed(without_old, moved, "req-1", "open") == BODY
    with pytest.raises(BodyUnreadable):
        open_sealed(without_old, sealed, "req-1", "open")
