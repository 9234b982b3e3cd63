"""Liveness, readiness and the metrics scrape."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.responses import JSONResponse, Response

from router.api.openai_routes import services_of

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> Response:
    svc = services_of(request)
    writable = await anyio.to_thread.run_sync(svc.database.check_writable)
    health = svc.registry.health() if svc.registry else {}
    checks: dict[str, Any] = {
        "policy": svc.policies.current.version,
        "store_writable": writable,
        "healthy_routes": sorted(name for name, ok in health.items() if ok),
        "draining": svc.draining,
    }
    ready = writable and any(health.values()) and svc.pipeline is not None and not svc.draining
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    svc = services_of(request)
    # Reading every worker's files in multiprocess mode touches the disk: off the event loop.
    scrape = await anyio.to_thread.run_sync(svc.metrics.exposition)
    return Response(scrape, media_type=CONTENT_TYPE_LATEST)
