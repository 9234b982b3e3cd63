"""Detections per field, remembered by a digest of the field's text.

A chat client resends the whole conversation on every turn, so all messages but the last
were scanned on an earlier request. The cache holds what detection found in a field
(offsets, types, confidences, recognizer names, health categories), never the text: the key
is a keyed BLAKE2b digest of the text, with a key drawn at random when the cache is built,
so a digest says nothing about the text outside this process.

Entries are partitioned by caller (the router passes the authenticated principal): a cached
field answers faster than a scanned one, so a cache shared across callers would let one of
them time guesses at what another sent. A conversation's next turn comes from the same
caller, so partitioning costs no hits.

Bounded twice: by the number of fields and by the number of detections held (a field full
of identifiers costs more memory than a greeting); the least recently used go first. One
lock guards the dictionary, so one cache serves all threads.

Each entry is held packed (`marshal`: one bytes object), so detections must be tuples of
numbers and strings. Held as Python tuples, the ~100,000 detections of a full cache were
objects the garbage collector tracks, and new notes evicting old ones kept its youngest
generation large: a collection every ~200 new 2,000-token notes paused the process for
70-100 ms (`docs/phi-detection.md`). Packed, collections take under 2 ms; unpacking costs a
next turn ~0.1 ms.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Generic, TypeVar

_DIGEST_SIZE = 16  # 128 bits: no accidental collision among a cache's few thousand fields
_Detection = TypeVar("_Detection")  # a tuple of numbers and strings (or one of them)


class FieldCache(Generic[_Detection]):
    """What a field's text yielded: `(detections, health categories)`, by digest."""

    def __init__(self, max_fields: int, max_detections: int) -> None:
        self._max_fields = max_fields
        self._max_detections = max_detections
        self._key = os.urandom(16)
        # digest -> (detections held, the packed entry)
        self._entries: OrderedDict[bytes, tuple[int, bytes]] = OrderedDict()
        self._detections = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._max_fields > 0

    def digest(self, text: str, partition: str = "") -> bytes:
        # "surrogatepass": text read from invalid UTF-8 keeps lone surrogates (CLI input).
        owner = partition.encode("utf-8", "surrogatepass")
        hasher = hashlib.blake2b(digest_size=_DIGEST_SIZE, key=self._key)
        # Length-prefixed, so no (partition, text) pair can spell another one.
        hasher.update(len(owner).to_bytes(8, "big"))
        hasher.update(owner)
        hasher.update(text.encode("utf-8", "surrogatepass"))
        return hasher.digest()

    def get(self, digest: bytes) -> tuple[tuple[_Detection, ...], frozenset[str]] | None:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            self._entries.move_to_end(digest)
        # Bytes this cache packed itself, in this process: nothing from outside is unpacked.
        detections, health = marshal.loads(entry[1])  # noqa: S302
        return detections, health

    def put(self, digest: bytes, detections: Sequence[_Detection], health: frozenset[str]) -> None:
        count = len(detections)
        if count > self._max_detections:
            return  # larger than the whole cache: not worth evicting everything for
        # Typeshed cannot see that a detection is marshal's (numbers and strings): checked by
        # marshal itself, which raises on anything else.
        packed = marshal.dumps((tuple(detections), health))  # type: ignore[arg-type]
        with self._lock:
            previous = self._entries.pop(digest, None)
            if previous is not None:
                self._detections -= previous[0]
            self._entries[digest] = (count, packed)
            self._detections += count
            while len(self._entries) > self._max_fields or self._detections > self._max_detections:
                _, (evicted, _) = self._entries.popitem(last=False)
                self._detections -= evicted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._detections = 0

    def __len__(self) -> int:
        return len(self._entries)
