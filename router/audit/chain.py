"""The hash chain: each entry's HMAC covers the previous entry's hash and its own content.

Pure functions: `router.audit.verify` feeds them the stored entries. The sequence number is
only the storage order; the order that counts is the one the links prove, which is what lets
verification tell a reordered entry (a valid entry linked to one stored elsewhere) from a
deleted one (linked to an entry that is gone) and an inserted one (invalid, and skipped by its
successor's link).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from router.audit.keyring import AuditKeyError


class Tampering(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    UNVERIFIABLE = "unverifiable"


@dataclass(frozen=True, slots=True)
class ChainEntry:
    seq: int
    request_id: str
    kind: str
    chain_key_id: str
    body_digest: str
    payload: str
    prev_hash: str
    hash: str
    body: bytes | None = None  # the stored ciphertext, None once shredded


@dataclass(frozen=True, slots=True)
class Finding:
    """The first break in the chain, named by the entry where it shows."""

    problem: Tampering
    seq: int
    request_id: str
    detail: str

    def describe(self) -> str:
        return f"{self.problem.value}: seq {self.seq} (request {self.request_id}): {self.detail}"


def entry_mac(
    chain_key: bytes,
    prev_hash: str,
    request_id: str,
    kind: str,
    chain_key_id: str,
    body_digest: str,
    payload: str,
) -> str:
    message = json.dumps([prev_hash, request_id, kind, chain_key_id, body_digest, payload])
    return hmac.new(chain_key, message.encode(), hashlib.sha256).hexdigest()


def checkpoint_mac(chain_key: bytes, seq: int, entry_hash: str, created_at: str) -> str:
    message = json.dumps(["checkpoint", seq, entry_hash, created_at])
    return hmac.new(chain_key, message.encode(), hashlib.sha256).hexdigest()


ChainKeys = Callable[[str], bytes]  # key id -> chain key; raises AuditKeyError if unknown
SeqsWithHash = Callable[[str], list[int]]  # stored entries whose own hash is the given one


def find_first_break(
    entries: Iterable[ChainEntry],
    chain_keys: ChainKeys,
    seqs_with_hash: SeqsWithHash,
    start: tuple[int, str],
    head: tuple[int, str],
) -> Finding | None:
    """Walk the entries in storage order from `start` (seq, hash); None if all links hold."""
    last_seq, expected = start
    for entry, following in _with_next(entries):
        finding = _check(entry, following, expected, last_seq, chain_keys, seqs_with_hash, head)
        if finding is not None:
            return finding
        last_seq, expected = entry.seq, entry.hash
    if head[1] != expected:
        return Finding(
            Tampering.TRUNCATED,
            head[0],
            "-",
            f"the chain head names seq {head[0]} but the last intact entry is seq {last_seq}",
        )
    return None


def _check(
    entry: ChainEntry,
    following: ChainEntry | None,
    expected: str,
    last_seq: int,
    chain_keys: ChainKeys,
    seqs_with_hash: SeqsWithHash,
    head: tuple[int, str],
) -> Finding | None:
    try:
        key = chain_keys(entry.chain_key_id)
    except AuditKeyError:
        detail = f"its key {entry.chain_key_id} is not in the key ring"
        return Finding(Tampering.UNVERIFIABLE, entry.seq, entry.request_id, detail)
    computed = entry_mac(
        key,
        entry.prev_hash,
        entry.request_id,
        entry.kind,
        entry.chain_key_id,
        entry.body_digest,
        entry.payload,
    )
    if not hmac.compare_digest(computed, entry.hash):
        skipped = following.prev_hash == expected if following else head[1] == expected
        if skipped:
            detail = "an entry nobody with the key wrote; the next entry links past it"
            return Finding(Tampering.INSERTED, entry.seq, entry.request_id, detail)
        detail = "its content no longer matches its hash"
        return Finding(Tampering.EDITED, entry.seq, entry.request_id, detail)
    if entry.body is not None and hashlib.sha256(entry.body).hexdigest() != entry.body_digest:
        detail = "its encrypted body no longer matches the digest the chain holds"
        return Finding(Tampering.EDITED, entry.seq, entry.request_id, detail)
    if entry.prev_hash == expected:
        return None
    copies = [seq for seq in seqs_with_hash(entry.hash) if seq != entry.seq]
    if copies:
        detail = f"a copy of the entry at seq {copies[0]}"
        return Finding(Tampering.INSERTED, entry.seq, entry.request_id, detail)
    predecessors = seqs_with_hash(entry.prev_hash)
    if predecessors:
        detail = f"it follows the entry stored at seq {predecessors[0]}, not seq {last_seq}"
        return Finding(Tampering.REORDERED, entry.seq, entry.request_id, detail)
    detail = f"the entry before it (after seq {last_seq}) is missing"
    return Finding(Tampering.DELETED, entry.seq, entry.request_id, detail)


def _with_next(entries: Iterable[ChainEntry]) -> Iterator[tuple[ChainEntry, ChainEntry | None]]:
    iterator = iter(entries)
    current = next(iterator, None)
    while current is not None:
        following = next(iterator, None)
        yield current, following
        current = following
