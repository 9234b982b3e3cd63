"""A Claude backend against a vendor that throttles, fails, hangs or cuts its stream: retries
only where safe, errors a client can act on (naming the route, never the key), and a circuit
that opens, rests and closes again."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from router.backends.base import Endpoint, UpstreamRequest
from router.backends.circuit import CircuitPolicy, CircuitState
from router.backends.claude import build_claude_backend
from router.backends.litellm_backend import LiteLLMBackend
from router.backends.retry import RetryPolicy
from router.errors import (
    InvalidRequest,
    RateLimited,
    UnsupportedEndpoint,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from router.policy.model import Route
from router.settings import UpstreamSettings
from router.supervisor import free_port
from tests.support.fake_anthropic import API_KEY, FakeAnthropic
from tests.support.servers import serve_in_thread

FAST_RETRY = RetryPolicy(attempts=3, base_delay_seconds=0.01, max_delay_seconds=0.05)
QUIET_CIRCUIT = CircuitPolicy(minimum_calls=100)  # never opens unless a test says otherwise
SETTINGS = UpstreamSettings(read_timeout_seconds=1.0, connect_timeout_seconds=1.0)


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[FakeAnthropic, str]]:
    server = FakeAnthropic()
    with serve_in_thread(server.app) as url:
        yield server, url


@pytest.fixture(autouse=True)
def _fresh(fake: tuple[FakeAnthropic, str]) -> None:
    fake[0].received.clear()
    fake[0].fail_next.clear()
    fake[0].retry_after = "0"


@contextlib.asynccontextmanager
async def opened(
    url: str,
    *,
    model: str = "anthropic/claude-ok",
    key: str = API_KEY,
    circuit: CircuitPolicy = QUIET_CIRCUIT,
) -> AsyncIterator[LiteLLMBackend]:
    """A backend closed in the test's own event loop, where its connections live."""
    route = Route.model_validate(
        {"kind": "anthropic", "model": model, "endpoints": [url], "data_boundary": "vendor"}
    )
    environ = {"ANTHROPIC_API_KEY": key}
    backend = build_claude_backend("claude-test", route, SETTINGS, environ, FAST_RETRY, circuit)
    try:
        yield backend
    finally:
        await backend.aclose()


def _chat(**extra: Any) -> UpstreamRequest:
    body = {"model": "ignored", "messages": [{"role": "user", "content": "Hi"}], **extra}
    return UpstreamRequest(Endpoint.CHAT, body)


@pytest.mark.parametrize("statuses", [[429], [503], [529], [503, 429]])
async def test_throttling_and_overload_are_retried(
    fake: tuple[FakeAnthropic, str], statuses: list[int]
) -> None:
    fake[0].fail_next.extend(statuses)
    async with opened(fake[1]) as backend:
        body = await backend.send(_chat())
    assert body["choices"][0]["message"]["content"] == "You said: Hi"
    assert len(fake[0].received) == len(statuses) + 1


async def test_retries_stop_after_the_last_attempt(fake: tuple[FakeAnthropic, str]) -> None:
    fake[0].fail_next.extend([429, 429, 429, 429])
    async with opened(fake[1]) as backend:
        with pytest.raises(RateLimited) as caught:
            await backend.send(_chat())
    assert caught.value.status_code == 429
    assert len(fake[0].received) == 3


async def test_a_long_retry_after_goes_back_to_the_client(fake: tuple[FakeAnthropic, str]) -> None:
    fake[0].fail_next.append(429)
    fake[0].retry_after = "60"
    async with opened(fake[1]) as backend:
        with pytest.raises(RateLimited) as caught:
            await backend.send(_chat())
    assert caught.value.headers["Retry-After"] == "60"
    assert len(fake[0].received) == 1


async def test_a_server_error_is_not_retried_and_allows_fallback(
    fake: tuple[FakeAnthropic, str],
) -> None:
    fake[0].fail_next.append(500)
    async with opened(fake[1]) as backend:
        with pytest.raises(UpstreamError) as caught:
            await backend.send(_chat())
    assert caught.value.status_code == 502  # dispatch falls back on 502 and 503
    assert len(fake[0].received) == 1


async def test_a_refused_key_names_the_route_never_the_key(
    fake: tuple[FakeAnthropic, str],
) -> None:
    wrong = "sk-ant-wrong-key-0123456789"
    async with opened(fake[1], key=wrong) as backend:
        with pytest.raises(UpstreamError) as caught:
            await backend.send(_chat())
    error = caught.value
    assert (error.status_code, error.code) == (502, "upstream_auth_failed")
    assert "claude-test" in error.message
    assert wrong not in str(error.to_openai())
    assert len(fake[0].received) == 1


async def test_an_unreachable_vendor_is_retried_then_unavailable() -> None:
    dead = f"http://127.0.0.1:{free_port('127.0.0.1')}"
    # A circuit that opens after three failures proves that three attempts were made.
    circuit = CircuitPolicy(minimum_calls=3, failure_rate=1.0)
    async with opened(dead, circuit=circuit) as backend:
        with pytest.raises(UpstreamUnavailable) as caught:
            await backend.send(_chat())
        assert backend.breaker.state is CircuitState.OPEN
    assert caught.value.status_code == 503


async def test_a_vendor_that_never_answers_times_out_without_retry(
    fake: tuple[FakeAnthropic, str],
) -> None:
    async with opened(fake[1], model="anthropic/claude-hang") as backend:
        with pytest.raises(UpstreamTimeout):
            await backend.send(_chat())
    assert len(fake[0].received) == 1


async def test_a_stream_throttled_before_it_starts_is_retried(
    fake: tuple[FakeAnthropic, str],
) -> None:
    fake[0].fail_next.append(429)
    async with opened(fake[1]) as backend:
        chunks = [chunk async for chunk in backend.stream(_chat(stream=True))]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "You said: Hi"
    assert len(fake[0].received) == 2


async def test_a_stream_cut_after_it_started_is_never_retried(
    fake: tuple[FakeAnthropic, str],
) -> None:
    received: list[dict[str, Any]] = []
    async with opened(fake[1], model="anthropic/claude-cut-stream") as backend:
        with pytest.raises(UpstreamError) as caught:
            async for chunk in backend.stream(_chat(stream=True)):
                received.append(chunk)
    assert caught.value.code == "upstream_stream_interrupted"
    assert received  # the stream had begun
    assert len(fake[0].received) == 1


async def test_parameters_outside_openai_chat_are_refused_before_sending(
    fake: tuple[FakeAnthropic, str],
) -> None:
    async with opened(fake[1]) as backend:
        with pytest.raises(InvalidRequest) as caught:
            await backend.send(_chat(api_base="http://elsewhere.example"))
        with pytest.raises(UnsupportedEndpoint):
            await backend.send(UpstreamRequest(Endpoint.EMBEDDINGS, {"input": "x"}))
    assert caught.value.param == "api_base"
    assert fake[0].received == []


@pytest.mark.parametrize(
    "part",
    [
        {"type": "image_url", "image_url": {"url": "http://169.254.169.254/latest/meta-data"}},
        {"type": "image_url", "image_url": {"url": "https://ehr.internal/scan.png"}},
        {"type": "file", "file": {"file_id": "https://ehr.internal/discharge.pdf"}},
    ],
)
async def test_remote_content_is_refused_rather_than_fetched_by_the_router(
    fake: tuple[FakeAnthropic, str], part: dict[str, Any]
) -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": "Look"}, part]}]
    async with opened(fake[1]) as backend:
        with pytest.raises(InvalidRequest) as caught:
            await backend.send(UpstreamRequest(Endpoint.CHAT, {"messages": messages}))
    assert caught.value.param == "messages[0].content[1]"
    assert fake[0].received == []


async def test_a_bad_request_does_not_count_against_the_route(
    fake: tuple[FakeAnthropic, str],
) -> None:
    fake[0].fail_next.extend([400, 400, 400])
    async with opened(fake[1], circuit=CircuitPolicy(minimum_calls=2)) as backend:
        for _ in range(3):
            with pytest.raises(InvalidRequest):
                await backend.send(_chat())
        assert backend.breaker.state is CircuitState.CLOSED


async def test_the_circuit_opens_rests_and_closes_again(fake: tuple[FakeAnthropic, str]) -> None:
    policy = CircuitPolicy(minimum_calls=2, failure_rate=0.5, cooldown_seconds=0.3)
    async with opened(fake[1], circuit=policy) as backend:
        fake[0].fail_next.extend([500, 500])
        for _ in range(2):
            with pytest.raises(UpstreamError):
                await backend.send(_chat())
        assert backend.breaker.state is CircuitState.OPEN
        assert not backend.healthy
        with pytest.raises(UpstreamUnavailable) as caught:
            await backend.send(_chat())
        assert caught.value.code == "circuit_open"
        assert len(fake[0].received) == 2  # the open circuit sent nothing

        await asyncio.sleep(0.35)
        assert backend.healthy  # ready for a trial
        fake[0].fail_next.append(500)
        with pytest.raises(UpstreamError):
            await backend.send(_chat())  # the trial fails: open again
        assert backend.breaker.state is CircuitState.OPEN

        await asyncio.sleep(0.35)
        body = await backend.send(_chat())  # this trial succeeds: closed
        assert body["choices"][0]["message"]["content"] == "You said: Hi"
        assert backend.breaker.state is CircuitState.CLOSED
