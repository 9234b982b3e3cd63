"""OpenAI-compatible backends against real local HTTP servers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from router.backends.base import Endpoint, UpstreamRequest
from router.backends.openai_compatible import OpenAICompatibleBackend
from router.backends.pool import ReplicaPool
from router.backends.registry import upstream_client
from router.errors import UpstreamError, UpstreamUnavailable
from router.settings import UpstreamSettings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PROMPT = "Patient Jane Roe, born 1970-01-02"


@asynccontextmanager
async def _server(handler: Handler) -> AsyncIterator[str]:
    """A real HTTP server on a loopback port answering every request with `handler`."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def _backend(
    base_url: str, settings: UpstreamSettings | None = None
) -> AsyncIterator[OpenAICompatibleBackend]:
    client = upstream_client(settings or UpstreamSettings())
    try:
        yield OpenAICompatibleBackend("local", ReplicaPool((base_url,), 15.0), client)
    finally:
        await client.close()


async def _chat(backend: OpenAICompatibleBackend) -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": PROMPT}]}
    await backend.send(UpstreamRequest(Endpoint.CHAT, body))


async def _chat_stream(backend: OpenAICompatibleBackend) -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": PROMPT}], "stream": True}
    async for _ in backend.stream(UpstreamRequest(Endpoint.CHAT, body)):
        pass


async def _completion(backend: OpenAICompatibleBackend) -> None:
    await backend.send(UpstreamRequest(Endpoint.COMPLETIONS, {"model": "m", "prompt": PROMPT}))


async def _embedding(backend: OpenAICompatibleBackend) -> None:
    await backend.send(UpstreamRequest(Endpoint.EMBEDDINGS, {"model": "m", "input": PROMPT}))


async def _count_tokens(backend: OpenAICompatibleBackend) -> None:
    assert await backend.count_tokens(PROMPT) is None


async def _health_check(backend: OpenAICompatibleBackend) -> None:
    await backend.check_health()


@pytest.mark.parametrize(
    "call",
    [_chat, _chat_stream, _completion, _embedding, _count_tokens, _health_check],
    ids=lambda call: call.__name__.strip("_"),
)
@pytest.mark.parametrize("status", [307, 308])
async def test_a_redirecting_replica_never_sends_the_request_elsewhere(
    call: Callable[[OpenAICompatibleBackend], Awaitable[None]], status: int
) -> None:
    received: list[bytes] = []

    async def elsewhere(request: web.Request) -> web.Response:
        received.append(await request.read())
        return web.json_response({"count": 3, "data": [], "choices": []})

    async with _server(elsewhere) as other_url:

        async def redirecting(request: web.Request) -> web.Response:
            return web.Response(status=status, headers={"Location": f"{other_url}{request.path}"})

        async with _server(redirecting) as replica_url, _backend(f"{replica_url}/v1") as backend:
            # A redirect is a failure of the backend; what matters is where the data went.
            with contextlib.suppress(UpstreamError):
                await call(backend)
    assert received == []


async def test_a_redirect_is_not_taken_for_an_answer() -> None:
    async def redirecting(request: web.Request) -> web.Response:
        return web.json_response({"choices": []}, status=307, headers={"Location": "/elsewhere"})

    async with _server(redirecting) as replica_url, _backend(f"{replica_url}/v1") as backend:
        with pytest.raises(UpstreamError):
            await _chat(backend)


async def test_a_full_connection_pool_leaves_the_replica_healthy() -> None:
    arrived = asyncio.Semaphore(0)
    answer = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        arrived.release()
        await answer.wait()
        return web.json_response({"choices": []})

    settings = UpstreamSettings(max_connections=2, connect_timeout_seconds=0.2)
    async with _server(slow) as replica_url, _backend(f"{replica_url}/v1", settings) as backend:
        first, second = (asyncio.create_task(_chat(backend)) for _ in range(2))
        try:
            for _ in range(2):
                await arrived.acquire()
            with pytest.raises(UpstreamUnavailable):
                await _chat(backend)
            replica = backend._pool.replicas[0]
            assert replica.healthy and replica.consecutive_failures == 0
            await backend.check_health()  # no connection free for it either: no verdict
            assert replica.healthy and replica.consecutive_failures == 0
        finally:
            answer.set()
            await asyncio.gather(first, second, return_exceptions=True)
        await _chat(backend)  # the connections were given back


async def test_a_request_waits_briefly_for_a_connection_to_free_up() -> None:
    arrived = asyncio.Semaphore(0)

    async def slowish(request: web.Request) -> web.Response:
        arrived.release()
        await asyncio.sleep(0.1)
        return web.json_response({"choices": []})

    settings = UpstreamSettings(max_connections=1, connect_timeout_seconds=5.0)
    async with _server(slowish) as replica_url, _backend(f"{replica_url}/v1", settings) as backend:
        first = asyncio.create_task(_chat(backend))
        await arrived.acquire()
        await _chat(backend)
        await first
