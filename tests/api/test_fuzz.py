"""Fuzz the API from its own OpenAPI schema with schemathesis, over real HTTP.

Every operation in the served `/openapi.json` gets a bounded, deterministic set of generated
requests, half of them naming a model the policy serves (so they get past the model lookup
into classification, the audit trail and the upstream). No response may be a 5xx, none may
hang, and each must conform to the schema (status documented, content type, body shape).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Err
from schemathesis.generation import GenerationMode
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import FakeBackend
from tests.support.policies import write_policy
from tests.support.servers import serve_in_thread

# Bounded for CI; raise it locally (FUZZ_MAX_EXAMPLES=500) for a deeper search.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "30"))
SERVED_MODEL = "ok"
TIMEOUT_SECONDS = 10  # a hang fails the case instead of stalling the suite
# A broken request may also be refused for its size (body 413, headers 431): still a 4xx.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 431]
            }
        }
    }
)
USAGE = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


class EveryEndpointBackend(FakeBackend):
    """The fake upstream, also answering completions and embeddings, so that a request for
    the served model can succeed on every endpoint."""

    def __init__(self) -> None:
        super().__init__()
        self.app.router.routes.append(Route("/v1/completions", self.complete, methods=["POST"]))
        self.app.router.routes.append(Route("/v1/embeddings", self.embed, methods=["POST"]))

    async def complete(self, _request: Request) -> Response:
        choice = {"index": 0, "text": "Hello.", "finish_reason": "stop", "logprobs": None}
        return JSONResponse(
            {
                "id": "cmpl-fake",
                "object": "text_completion",
                "created": 0,
                "model": "ok",
                "choices": [choice],
                "usage": USAGE,
            }
        )

    async def embed(self, _request: Request) -> Response:
        vector = {"object": "embedding", "index": 0, "embedding": [0.0, 1.0]}
        return JSONResponse({"object": "list", "data": [vector], "model": "ok", "usage": USAGE})


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with serve_in_thread(EveryEndpointBackend().app) as url:
        yield f"{url}/v1"


@pytest.fixture
def router(make_router: RouterFactory, upstream: str, tmp_path: Path) -> Iterator[RunningRouter]:
    route = {
        "kind": "openai_compatible",
        "model": SERVED_MODEL,
        "endpoints": [upstream],
        "data_boundary": "on_prem",
        "capabilities": ["chat", "completions", "embeddings"],
    }
    policy = write_policy(
        tmp_path / "policy",
        routes={SERVED_MODEL: route},
        models={SERVED_MODEL: {"routes": [SERVED_MODEL]}},
        workloads={"general": {"tier": "non_phi", "models": [SERVED_MODEL]}},
        tiers={tier: [SERVED_MODEL] for tier in ("non_phi", "sometimes_phi", "phi_heavy")},
    )
    with make_router(policy, max_body_bytes=256 * 1024) as running:
        yield running


def _served_model(case: Case[Any]) -> Case[Any]:
    if isinstance(case.body, dict) and "model" in case.body:
        case.body["model"] = SERVED_MODEL
    return case


def _operations(url: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json", config=CONFIG)
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # the served schema itself is invalid
        operations.append(result.ok())
    return operations


def test_schema_describes_the_request_bodies(router: RunningRouter) -> None:
    spec = requests.get(f"{router.url}/openapi.json", timeout=10).json()
    chat = spec["paths"]["/v1/chat/completions"]["post"]["requestBody"]
    shape = chat["content"]["application/json"]["schema"]
    assert shape["required"] == ["model", "messages"]
    assert "$ref" not in str(shape)  # inlined: valid wherever the document is read
    assert set(spec["paths"]) == {
        "/v1/chat/completions",
        "/v1/completions",
        "/v1/embeddings",
        "/v1/models",
        "/v1/route/explain",
        "/v1/policy/warnings",
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_operation_answers_5xx_hangs_or_breaks_its_schema(
    router: RunningRouter, mode: GenerationMode
) -> None:
    headers = {"Authorization": f"Bearer {router.key('general')}"}
    operations = _operations(router.url)
    assert len(operations) == 6
    statuses: Counter[tuple[str, int]] = Counter()
    with requests.Session() as session:
        for operation in operations:
            if mode is GenerationMode.NEGATIVE and not operation.body:
                continue  # nothing to break in a request without a body or parameters
            generated = operation.as_strategy(generation_mode=mode)
            # Pinning the model would repair a negative case that broke the model field.
            cases = (
                st.one_of(generated, generated.map(_served_model))
                if mode is GenerationMode.POSITIVE
                else generated
            )

            @settings(
                max_examples=MAX_EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=cases)
            def fuzz(case: Case[Any]) -> None:
                response = case.call_and_validate(
                    base_url=router.url,
                    session=session,
                    headers=headers,
                    timeout=TIMEOUT_SECONDS,
                )
                statuses[(case.path, response.status_code)] += 1

            fuzz()
    if mode is GenerationMode.POSITIVE:
        # The fuzzer got past validation into the pipeline and the upstream on every endpoint.
        served = {path for path, status in statuses if status == 200}
        assert served == {operation.path for operation in operations}, statuses
