"""How `serve` runs uvicorn: one process, or several workers sharing the metrics.

With one process the app is built here and handed to uvicorn, as tests do in-process. With
several, uvicorn spawns fresh interpreters that import `app_from_environment` and build their
own app from the same environment, so everything that must happen once (creating the first
audit key, migrating the database, preparing the metrics directory) happens first, here.
"""

from __future__ import annotations

import gc
import os
from typing import Any

import uvicorn
from fastapi import FastAPI

from router.app import create_app
from router.audit.keyring import load_key_ring
from router.metrics_multiprocess import MULTIPROC_VARIABLE, prepare_dir
from router.policy.store import PolicyStore
from router.settings import Settings
from router.storage.db import Database
from router.tls import build_context, uvicorn_context_factory

FACTORY = "router.server:app_from_environment"


class CannotServe(Exception):
    """The settings cannot be served as asked; the message says why and what to change."""


def app_from_environment() -> FastAPI:
    """uvicorn's factory in each worker: the settings come from the environment, as in `serve`."""
    return _frozen(create_app(Settings()))


def serve(settings: Settings) -> None:
    """Run until stopped. Raises `PolicyError`, `AuditKeyError`, `TlsConfigError` or
    `CannotServe` before listening when the configuration cannot work."""
    options = _uvicorn_options(settings)
    if settings.workers == 1:
        uvicorn.run(_frozen(create_app(settings)), **options)
        return
    _prepare_workers(settings)
    uvicorn.run(FACTORY, factory=True, workers=settings.workers, **options)


def _frozen(app: FastAPI) -> FastAPI:
    """Everything built so far (modules, the PHI recognizers, the policy) is kept for the life
    of the process: moved out of the collector's generations, so that its full collections do
    not walk it again and again while serving (about 5% of the CPU per request)."""
    gc.collect()
    gc.freeze()
    return app


def _uvicorn_options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "access_log": False,
        "server_header": False,
        # The h11 parser's own bound; `HeaderSizeLimit` answers 431 under either parser.
        "h11_max_incomplete_event_size": settings.limits.max_header_bytes + 1024,
    }
    if settings.tls.enabled:
        build_context(settings.tls)  # refuse to start now, rather than in every worker
        options["ssl_context_factory"] = uvicorn_context_factory(settings.tls)
    return options


def _prepare_workers(settings: Settings) -> None:
    policy = PolicyStore(settings.policy_dir).current.policy
    starts_local_model = settings.local_model.url is None and settings.local_model.autostart
    if starts_local_model and any(r.managed and r.enabled for r in policy.routes.values()):
        raise CannotServe(
            "--workers above 1 needs local_model.url: each worker would start its own local "
            "model server. Run the model server separately and set "
            "SOVEREIGN_ROUTER_LOCAL_MODEL__URL."
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    load_key_ring(settings.audit, settings.data_dir, settings.environment)
    database = Database(settings.resolved_database_url)
    try:
        database.migrate()
    finally:
        database.dispose()
    # Read by prometheus-client when each freshly spawned worker first imports it.
    os.environ[MULTIPROC_VARIABLE] = str(prepare_dir(settings.data_dir))
