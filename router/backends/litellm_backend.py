"""Claude over Anthropic's API, Bedrock or Vertex AI, through litellm, as a `Backend`.

litellm translates OpenAI chat requests to each vendor's protocol and the answers back
(tools, multi-part content, usage, finish reasons). Around it: a circuit breaker per route,
retries where they are safe (`router.backends.retry`), and the translation of its exceptions
into the router's errors. Only OpenAI chat parameters are passed on: the request body is never
splatted into litellm's keyword arguments, which also accept `api_base`, `api_key`, callbacks...
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import httpx

from router.backends.base import Endpoint, UpstreamRequest
from router.backends.circuit import CircuitBreaker
from router.backends.claude_routes import RouteCall
from router.backends.litellm_runtime import translate_failure
from router.backends.retry import Failure, RetryPolicy
from router.errors import InvalidRequest, UnsupportedEndpoint, UpstreamError, UpstreamUnavailable

log = logging.getLogger(__name__)

Completion = Callable[..., Awaitable[Any]]

# The OpenAI chat parameters litellm maps for Claude; anything else is refused by name.
_CHAT_PARAMETERS = frozenset(
    {
        "messages",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "temperature",
        "top_p",
        "max_tokens",
        "max_completion_tokens",
        "stop",
        "n",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "top_logprobs",
        "response_format",
        "seed",
        "user",
        "reasoning_effort",
        "stream",
        "stream_options",
    }
)
_USAGE_FIELDS = (
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "prompt_tokens_details",
    "completion_tokens_details",
)


class LiteLLMBackend:
    def __init__(
        self,
        route_name: str,
        call: RouteCall,
        completion: Completion,
        breaker: CircuitBreaker,
        retry: RetryPolicy,
        timeout: httpx.Timeout,
        http_handler: Any = None,
        rng: random.Random | None = None,
    ) -> None:
        self.route_name = route_name
        self._call = call
        self._completion = completion
        self._breaker = breaker
        self._retry = retry
        self._timeout = timeout
        self._http = http_handler  # litellm's AsyncHTTPHandler, owned and closed here
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not cryptography)
        if call.problem is not None:
            log.warning("route %s: not usable: %s", route_name, call.problem)

    @property
    def healthy(self) -> bool:
        return self._call.problem is None and self._breaker.available

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    async def send(self, request: UpstreamRequest) -> dict[str, Any]:
        response = await self._open(self._arguments(request, stream=False))
        return completion_to_openai(response.model_dump(exclude_none=True))

    async def stream(self, request: UpstreamRequest) -> AsyncGenerator[dict[str, Any], None]:
        chunks = await self._open(self._arguments(request, stream=True))
        try:
            async for chunk in chunks:
                yield chunk_to_openai(chunk.model_dump(exclude_none=True))
        except Exception as error:  # noqa: BLE001 (litellm raises many kinds mid-stream)
            # The stream has begun: nothing may be retried, and the route has failed.
            self._breaker.record_failure()
            log.warning("route %s: stream interrupted (%s)", self.route_name, type(error).__name__)
            raise UpstreamError(
                f"The vendor behind route '{self.route_name}' closed the stream early.",
                code="upstream_stream_interrupted",
            ) from None
        finally:
            await chunks.aclose()

    async def count_tokens(self, text: str) -> int | None:
        # litellm's counters may fetch tokenizers from the internet; the usage litellm
        # reports is exact anyway.
        return None

    async def check_health(self) -> None:
        """No probe: a vendor call costs money and carries no data. The breaker tells health."""

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()

    def _arguments(self, request: UpstreamRequest, *, stream: bool) -> dict[str, Any]:
        if request.endpoint is not Endpoint.CHAT:
            raise UnsupportedEndpoint(
                f"Route '{self.route_name}' serves chat completions only.",
                param="model",
            )
        if self._call.problem is not None:
            raise UpstreamUnavailable(
                f"Route '{self.route_name}' is not configured ({self._call.problem}).",
                code="route_not_configured",
            )
        unknown = sorted(set(request.body) - _CHAT_PARAMETERS - {"model"})
        if unknown:
            raise InvalidRequest(
                f"Parameter '{unknown[0]}' is not supported on route '{self.route_name}'.",
                param=unknown[0],
                code="unsupported_parameter",
            )
        remote = _remote_reference(request.body.get("messages"))
        if remote is not None:
            raise InvalidRequest(
                f"Route '{self.route_name}' takes images and files inline (data: URLs) only.",
                param=remote,
                code="remote_content_not_allowed",
            )
        arguments = {k: v for k, v in request.body.items() if k in _CHAT_PARAMETERS}
        arguments.update(self._call.params)
        arguments.update(stream=stream, timeout=self._timeout, num_retries=0, max_retries=0)
        if self._http is not None:
            arguments["client"] = self._http
        return arguments

    async def _open(self, arguments: dict[str, Any]) -> Any:
        """litellm's answer (a response, or an opened stream), retried while that is safe."""
        attempts = 0
        while True:
            attempts += 1
            failure = await self._attempt(arguments)
            if not isinstance(failure, Failure):
                return failure
            delay = self._retry.delay_before_retry(attempts, failure, self._rng)
            if delay is None or not self._breaker.available:
                raise failure.error
            log.warning(
                "route %s: %s; retry %d in %.2fs",
                self.route_name,
                failure.error.code,
                attempts,
                delay,
            )
            await asyncio.sleep(delay)

    async def _attempt(self, arguments: dict[str, Any]) -> Any:
        if not self._breaker.allow():
            raise UpstreamUnavailable(
                f"Route '{self.route_name}' is resting after repeated failures.",
                code="circuit_open",
            )
        settled = False
        try:
            result = await self._completion(**arguments)
            settled = True
            self._breaker.record_success()
            return result
        except Exception as error:  # noqa: BLE001 (every litellm failure is translated)
            failure = translate_failure(error, self.route_name)
            settled = True
            if failure.route_fault:
                self._breaker.record_failure()
            else:
                self._breaker.record_success()  # the vendor answered; the request was at fault
            log.warning(
                "route %s: vendor call failed (%s, %s)",
                self.route_name,
                type(error).__name__,
                failure.error.code,
            )
            return failure
        finally:
            if not settled:
                self._breaker.abandon()


def _remote_reference(messages: Any) -> str | None:
    """The first content part that points at a URL, which litellm would fetch from inside the
    perimeter (to inline it for the vendor): a door to internal systems. None when none does."""
    for m_index, message in enumerate(messages if isinstance(messages, list) else ()):
        content = message.get("content") if isinstance(message, dict) else None
        for p_index, part in enumerate(content if isinstance(content, list) else ()):
            if not isinstance(part, dict):
                continue
            if any("://" in reference for reference in _part_references(part)):
                return f"messages[{m_index}].content[{p_index}]"
    return None


def _part_references(part: dict[str, Any]) -> list[str]:
    image = part.get("image_url")
    file = part.get("file")
    references: list[str] = []
    if isinstance(image, dict):
        references.append(str(image.get("url", "")))
    elif image is not None:
        references.append(str(image))
    if isinstance(file, dict):
        references += [str(file[key]) for key in ("file_data", "file_id") if key in file]
    return references


def completion_to_openai(body: dict[str, Any]) -> dict[str, Any]:
    """litellm's response as OpenAI sends it, without litellm's own fields."""
    body.pop("provider_specific_fields", None)
    for choice in body.get("choices") or ():
        message = choice.get("message")
        if isinstance(message, dict):
            message.pop("provider_specific_fields", None)
            message.setdefault("content", None)
    _clean_usage(body)
    return body


def chunk_to_openai(chunk: dict[str, Any]) -> dict[str, Any]:
    chunk.pop("provider_specific_fields", None)
    for choice in chunk.get("choices") or ():
        choice.setdefault("finish_reason", None)
        delta = choice.get("delta")
        if isinstance(delta, dict):
            delta.pop("provider_specific_fields", None)
    if chunk.get("usage") and all(
        not choice.get("delta") and not choice.get("finish_reason")
        for choice in chunk.get("choices") or ()
    ):
        chunk["choices"] = []  # OpenAI's usage chunk has no choices
    _clean_usage(chunk)
    return chunk


def _clean_usage(body: dict[str, Any]) -> None:
    usage = body.get("usage")
    if isinstance(usage, dict):
        body["usage"] = {key: usage[key] for key in _USAGE_FIELDS if key in usage}
