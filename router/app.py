"""`create_app(settings)`: builds every part of the router. Nothing happens at import time."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from router import __version__
from router.api import explain, health, openai_routes
from router.api.error_handlers import ContainUnexpectedErrors, install_error_handlers
from router.api.fast_routes import RouterApp, install_fast_routes
from router.api.header_limit import HeaderSizeLimit
from router.api.schema import install_openapi
from router.audit.chained_trail import ChainedAuditTrail
from router.audit.export import ExportingAuditTrail, with_siem_export
from router.audit.keyring import load_key_ring
from router.backends.registry import BackendRegistry
from router.governance.login import dashboard_login_configured
from router.governance.routes import governance_router
from router.identity.api_keys import ApiKeyStore
from router.identity.authenticate import build_authenticator
from router.identity.rate_limits import RateLimits
from router.metrics import Metrics
from router.phi import Classifier
from router.pipeline import RequestPipeline
from router.policy.governance import log_policy_warnings
from router.policy.store import PolicyStore
from router.policy.watch import PolicyReloader
from router.services import Services
from router.settings import Settings
from router.storage.db import Database
from router.storage.wal_sync import WalSync
from router.supervisor import LocalModelSupervisor

log = logging.getLogger(__name__)

# SQLite: what an OS crash can take of the committed audit records, and how much WAL a
# checkpoint finds still to sync (router/storage/wal_sync.py).
_WAL_SYNC_SECONDS = 0.1


def build_services(settings: Settings, classifier: Classifier | None = None) -> Services:
    """Everything that does not need the event loop; raises if the policy is invalid.

    A classifier may be handed in so that several routers in one process share one.
    """
    database = Database(settings.resolved_database_url)
    api_keys = ApiKeyStore(database, settings.api_key_cache_seconds)
    metrics = Metrics()
    audit = with_siem_export(_audit_trail(settings, database), settings.siem, metrics)
    return Services(
        settings=settings,
        database=database,
        policies=PolicyStore(settings.policy_dir),
        api_keys=api_keys,
        authenticator=build_authenticator(settings.oidc, api_keys, audit, metrics),
        classifier=classifier or Classifier(settings.phi.classifier_config()),
        metrics=metrics,
        audit=audit,
        rate_limits=RateLimits(settings.rate_limits, settings.redis_url),
    )


def _audit_trail(settings: Settings, database: Database) -> ChainedAuditTrail:
    """Raises `AuditKeyError` when production has no safe key (development creates one)."""
    ring = load_key_ring(settings.audit, settings.data_dir, settings.environment)
    return ChainedAuditTrail(database, ring, settings.audit)


def create_app(settings: Settings, *, classifier: Classifier | None = None) -> FastAPI:
    services = build_services(settings, classifier)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with _running(services):
            yield

    app = RouterApp(
        title="sovereign-router",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    install_error_handlers(app)
    app.add_middleware(HeaderSizeLimit, max_bytes=settings.limits.max_header_bytes)
    # Added last, so outermost: every unexpected error is answered and ends there.
    app.add_middleware(ContainUnexpectedErrors)
    install_openapi(app, settings.limits)
    app.include_router(health.router)
    app.include_router(openai_routes.router)
    app.include_router(explain.router)
    install_fast_routes(app, services, settings.limits.max_header_bytes)
    if dashboard_login_configured(settings.oidc):
        app.include_router(governance_router(services))
    return app


@contextlib.asynccontextmanager
async def _running(services: Services) -> AsyncIterator[None]:
    settings = services.settings
    await asyncio.to_thread(services.database.migrate)
    managed_url = settings.local_model.url
    if managed_url is None and settings.local_model.autostart and _policy_wants_managed(services):
        services.supervisor = LocalModelSupervisor(
            settings.local_model, settings.data_dir / "logs" / "local-model.log"
        )
        managed_url = await services.supervisor.start()
    registry = BackendRegistry(settings.upstream, managed_url)
    registry.sync(services.policies.current.policy)
    services.registry = registry
    await registry.check_all()
    _update_gauges(services, registry)
    services.pipeline = RequestPipeline(
        services.policies,
        services.classifier,
        registry,
        services.audit,
        services.metrics,
        rate_limits=services.rate_limits,
        client_stall_timeout=settings.client_stall_timeout_seconds,
    )
    if isinstance(services.audit, ExportingAuditTrail):
        services.audit.start()  # stopped, after draining, by `services.audit.aclose()` below
    background = asyncio.create_task(_maintain(services, registry))
    reloader = PolicyReloader(
        services.policies,
        settings.policy_dir,
        registry,
        services.metrics,
        lambda: _update_gauges(services, registry),
    )
    watching = asyncio.create_task(reloader.run())
    syncing = asyncio.create_task(WalSync(services.database.url, _WAL_SYNC_SECONDS).run())
    loaded = services.policies.current
    log_policy_warnings(loaded.policy, loaded.version, dt.datetime.now(dt.UTC).date())
    log.info("router ready; policy %s", loaded.version)
    try:
        yield
    finally:
        services.draining = True
        for task in (background, watching, syncing):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await registry.aclose()
        await services.authenticator.aclose()
        if services.rate_limits is not None:
            await services.rate_limits.aclose()
        await services.audit.aclose()
        if services.supervisor is not None:
            await services.supervisor.stop()
        services.database.dispose()


def _policy_wants_managed(services: Services) -> bool:
    return any(
        route.managed and route.enabled
        for route in services.policies.current.policy.routes.values()
    )


async def _maintain(services: Services, registry: BackendRegistry) -> None:
    """Health checks and the gauges that describe the policy, on the health-check interval."""
    interval = services.settings.upstream.health_check_interval_seconds
    while True:
        await asyncio.sleep(interval)
        await registry.check_all()
        _update_gauges(services, registry)


def _update_gauges(services: Services, registry: BackendRegistry) -> None:
    metrics = services.metrics
    loaded = services.policies.current
    metrics.show_policy_version(loaded.version)
    today = dt.datetime.now(dt.UTC).date()
    baa_days = {
        name: route.baa.days_to_expiry(today) or 0
        for name, route in loaded.policy.routes.items()
        if route.baa is not None and route.baa.expires is not None
    }
    metrics.show_routes(baa_days, registry.health())
