"""The one interface every backend implements."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


class Endpoint(StrEnum):
    """OpenAI API paths under /v1, and what a route must be capable of to serve them."""

    CHAT = "chat/completions"
    COMPLETIONS = "completions"
    EMBEDDINGS = "embeddings"


@dataclass(frozen=True, slots=True)
class UpstreamRequest:
    endpoint: Endpoint
    body: dict[str, Any]  # OpenAI wire format, `model` already set to the backend's name


class Backend(Protocol):
    """A place requests are sent. Errors are raised as `router.errors.UpstreamError`s."""

    route_name: str

    @property
    def healthy(self) -> bool: ...

    async def send(self, request: UpstreamRequest) -> dict[str, Any]:
        """A complete (non-streaming) response body."""
        ...

    def stream(self, request: UpstreamRequest) -> AsyncGenerator[dict[str, Any], None]:
        """Chunk objects as the backend produces them (no `[DONE]`)."""
        ...

    async def count_tokens(self, text: str) -> int | None:
        """Tokens in `text` by the model's tokenizer, or None when the backend cannot say."""
        ...

    async def check_health(self) -> None: ...

    async def aclose(self) -> None: ...
