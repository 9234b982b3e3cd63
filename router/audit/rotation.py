"""Key rotation: a new active key in the key ring, and re-wrapping old data keys under it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from router.audit.config import AuditSettings
from router.audit.envelope import rewrap
from router.audit.keyring import KeyRing, install_new_key, key_directory, load_key_ring
from router.audit.tables import AuditEventRow
from router.storage.db import Database

_EVENTS = AuditEventRow.__table__  # type: ignore[attr-defined]
_PAGE = 500


def rotate_key(audit: AuditSettings, data_dir: Path, environment: str) -> KeyRing:
    """Write a new key into the key directory, mark it active, return the whole ring."""
    new_id = install_new_key(key_directory(audit, data_dir)).active_id
    ring = load_key_ring(audit.model_copy(update={"active_key_id": new_id}), data_dir, environment)
    return ring


def rewrap_all(database: Database, ring: KeyRing) -> int:
    """Re-wrap every data key not under the active key; the bodies and the chain are unchanged.

    The chain's HMACs still use the key each entry was written under, so older keys must stay
    in the ring for `verify`; what re-wrapping buys is that bodies no longer depend on them.
    """
    done = 0
    while True:
        with database.engine.begin() as connection:
            rows = connection.execute(
                select(_EVENTS.c.seq, _EVENTS.c.wrap_key_id, _EVENTS.c.wrapped_key)
                .where(_EVENTS.c.wrapped_key.is_not(None), _EVENTS.c.wrap_key_id != ring.active_id)
                .limit(_PAGE)
            ).all()
            for seq, key_id, wrapped_key in rows:
                connection.execute(
                    update(_EVENTS)
                    .where(_EVENTS.c.seq == seq, _EVENTS.c.wrap_key_id == key_id)
                    .values(
                        wrapped_key=rewrap(ring, key_id, wrapped_key), wrap_key_id=ring.active_id
                    )
                )
        done += len(rows)
        if len(rows) < _PAGE:
            return done
