"""The router's added latency in front of a real llama.cpp server, against calling it directly.

Starts SmolLM2-135M under llama.cpp's server and a router (`sovereign-router serve`, its own
process, default policy, SQLite audit) in front of it, then sends the same chat request through
both with the `openai` SDK, alternating so that drift in the model server hits both equally.
The model's own time dominates each request; the paired differences are the router's cost.

    PYTHONPATH=. .venv/bin/python benchmarks/llama_overhead.py [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import openai
from openai.types.chat import ChatCompletionMessageParam

from benchmarks.processes import VENV_BIN, create_api_key, pick_port, running
from router.settings import LocalModelSettings
from router.supervisor import LocalModelSupervisor

MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "user", "content": "Say hello in three words."}
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed_call(client: openai.OpenAI, model: str) -> float:
    started = time.perf_counter()
    client.chat.completions.create(
        model=model,
        messages=MESSAGES,
        max_tokens=4,
        temperature=0.0,
        seed=1,
    )
    return (time.perf_counter() - started) * 1000


def measure(
    direct: openai.OpenAI, via_router: openai.OpenAI, model: str, count: int
) -> dict[str, float]:
    for _ in range(10):  # warm both paths: connections, caches, the model's prompt cache
        timed_call(direct, model)
        timed_call(via_router, "chat")
    direct_ms: list[float] = []
    router_ms: list[float] = []
    for _ in range(count):
        direct_ms.append(timed_call(direct, model))
        router_ms.append(timed_call(via_router, "chat"))
    added = [r - d for r, d in zip(router_ms, direct_ms, strict=True)]
    return {
        "requests": count,
        "direct_median_ms": statistics.median(direct_ms),
        "router_median_ms": statistics.median(router_ms),
        "added_median_ms": statistics.median(router_ms) - statistics.median(direct_ms),
        "added_paired_median_ms": statistics.median(added),
        "added_paired_p90_ms": percentile(added, 0.90),
        "direct_p99_ms": percentile(direct_ms, 0.99),
        "router_p99_ms": percentile(router_ms, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sr-llama-overhead-"))
    settings = LocalModelSettings()
    supervisor = LocalModelSupervisor(settings, work / "llama.log")
    loop = asyncio.new_event_loop()  # the supervisor's child process belongs to one loop
    llama_url = loop.run_until_complete(supervisor.start())
    try:
        port = pick_port()
        env = {
            "SOVEREIGN_ROUTER_DATA_DIR": str(work / "data"),
            "SOVEREIGN_ROUTER_LOCAL_MODEL__URL": llama_url,
            "SOVEREIGN_ROUTER_LOG_LEVEL": "warning",
        }
        key = create_api_key(env, "general")
        command = [str(VENV_BIN / "sovereign-router"), "serve", "--port", str(port)]
        router_url = f"http://127.0.0.1:{port}"
        with running(command, f"{router_url}/readyz", env=env, log_file=work / "router.log"):
            direct = openai.OpenAI(base_url=llama_url, api_key="unused", max_retries=0)
            via_router = openai.OpenAI(base_url=f"{router_url}/v1", api_key=key, max_retries=0)
            figures = measure(direct, via_router, settings.served_model_name, args.requests)
    finally:
        loop.run_until_complete(supervisor.stop())
        loop.close()
    for name, value in figures.items():
        print(f"{name:>24}: {value:.2f}" if isinstance(value, float) else f"{name:>24}: {value}")
    print(json.dumps({key: round(value, 3) for key, value in figures.items()}))


if __name__ == "__main__":
    main()
