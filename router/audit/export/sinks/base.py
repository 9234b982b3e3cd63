"""The one-method interface every sink implements, and the two ways a send can fail.

Exception
├── SinkUnavailable   the sink could not take the batch now: retry with backoff
└── SinkRejected      the sink refused the batch for good (a 4xx, say): drop and count
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from router.audit.export.event import Event


class SinkUnavailable(Exception):
    """Transient: connection refused or reset, timeout, HTTP 429 or 5xx."""

    def __init__(self, message: str, *, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class SinkRejected(Exception):
    """Permanent for this batch: sending it again cannot succeed."""


class Sink(Protocol):
    async def send(self, batch: Sequence[Event]) -> None:
        """Deliver every event of the batch, or raise one of the errors above."""
        ...

    async def aclose(self) -> None: ...
