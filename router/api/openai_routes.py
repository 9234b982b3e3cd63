"""The OpenAI-compatible endpoints. Handlers only authenticate, parse and hand over."""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from router.api.parse import (
    ChatCompletionRequest,
    CompletionRequest,
    EmbeddingRequest,
    read_json_body,
    validate,
)
from router.api.schema import error_responses, json_request_body, streaming_or_json_response
from router.backends.base import Endpoint
from router.context import new_request_context
from router.errors import NotReady
from router.identity.principal import Principal
from router.pipeline import RequestPipeline
from router.policy.decision import AUTO_MODEL
from router.services import Services

WORKLOAD_HEADER = "x-router-workload"

router = APIRouter(prefix="/v1")


# Dependencies are `async def` even where they do not await: FastAPI runs plain `def` ones in
# a worker thread, a hop per dependency per request on the hot path.
def services_of(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def services(request: Request) -> Services:
    return services_of(request)


async def _received() -> float:
    # Declared first in each handler so that it is resolved before authentication.
    return time.perf_counter()


async def principal(request: Request, svc: Annotated[Services, Depends(services)]) -> Principal:
    return await svc.authenticator.authenticate(request)


ServicesDep = Annotated[Services, Depends(services)]
PrincipalDep = Annotated[Principal, Depends(principal)]
ReceivedDep = Annotated[float, Depends(_received)]


def _pipeline(svc: Services) -> RequestPipeline:
    if svc.pipeline is None or svc.draining:
        raise NotReady("The router is not ready to serve requests.")
    return svc.pipeline


RequestShape = type[ChatCompletionRequest | CompletionRequest | EmbeddingRequest]
# Served by `router.api.fast_routes` ahead of FastAPI; the routes below describe them in the
# schema and serve them when a request does not take that path.
GENERATION_ENDPOINTS: Mapping[str, tuple[Endpoint, RequestShape]] = MappingProxyType(
    {
        "/v1/chat/completions": (Endpoint.CHAT, ChatCompletionRequest),
        "/v1/completions": (Endpoint.COMPLETIONS, CompletionRequest),
        "/v1/embeddings": (Endpoint.EMBEDDINGS, EmbeddingRequest),
    }
)


async def serve_generation(
    request: Request,
    svc: Services,
    who: Principal,
    received: float,
    endpoint: Endpoint,
    shape: RequestShape,
) -> Response:
    pipeline = _pipeline(svc)
    body: dict[str, Any] = await read_json_body(request, svc.settings.max_body_bytes)
    parsed = validate(shape, body, svc.settings.limits)
    ctx = new_request_context(
        who,
        request.headers.get(WORKLOAD_HEADER),
        request.client.host if request.client else "",
        request.headers.get("user-agent", ""),
        received,
    )
    return await pipeline.handle(ctx, endpoint, body, stream=bool(getattr(parsed, "stream", False)))


_GENERATION_ERRORS = error_responses(400, 401, 403, 404, 413, 429, 431, 502, 503, 504)


@router.post(
    "/chat/completions",
    openapi_extra=json_request_body(ChatCompletionRequest),
    responses={**streaming_or_json_response("A chat completion."), **_GENERATION_ERRORS},
)
async def chat_completions(
    request: Request, received: ReceivedDep, svc: ServicesDep, who: PrincipalDep
) -> Response:
    return await serve_generation(request, svc, who, received, Endpoint.CHAT, ChatCompletionRequest)


@router.post(
    "/completions",
    openapi_extra=json_request_body(CompletionRequest),
    responses={**streaming_or_json_response("A text completion."), **_GENERATION_ERRORS},
)
async def completions(
    request: Request, received: ReceivedDep, svc: ServicesDep, who: PrincipalDep
) -> Response:
    return await serve_generation(
        request, svc, who, received, Endpoint.COMPLETIONS, CompletionRequest
    )


@router.post(
    "/embeddings",
    openapi_extra=json_request_body(EmbeddingRequest),
    responses={
        **streaming_or_json_response("Embeddings, as JSON."),
        **_GENERATION_ERRORS,
    },
)
async def embeddings(
    request: Request, received: ReceivedDep, svc: ServicesDep, who: PrincipalDep
) -> Response:
    return await serve_generation(
        request, svc, who, received, Endpoint.EMBEDDINGS, EmbeddingRequest
    )


@router.get("/models", responses=error_responses(401, 431))
async def list_models(svc: ServicesDep, who: PrincipalDep) -> dict[str, Any]:
    """The logical models the caller may use, through every workload it is scoped to."""
    policy = svc.policies.current.policy
    names: set[str] = set()
    for name, workload in policy.workloads.items():
        if who.may_use_workload(name):
            names.update(workload.models)
    created = int(svc.policies.current_loaded_at)
    data = [
        {"id": name, "object": "model", "created": created, "owned_by": "sovereign-router"}
        for name in sorted(names | ({AUTO_MODEL} if names else set()))
    ]
    return {"object": "list", "data": data}
