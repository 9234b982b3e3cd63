"""A local server that speaks Vertex AI's endpoint for Anthropic models, and a token endpoint.

`POST /v1/projects/{project}/locations/{location}/publishers/anthropic/models/{model}:rawPredict`
(and `:streamRawPredict`) take a Messages API body with `anthropic_version` and no `model`,
and answer as Anthropic's API does. Requests need `Authorization: Bearer <token>` with the token
that `POST /token` hands out, standing in for Google's OAuth token endpoint: the credentials file
written by `write_credentials` names it as its `token_uri`, so no request ever reaches Google.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.fake_anthropic import FakeUpstream, anthropic_error, respond

ACCESS_TOKEN = "ya29.fake-vertex-access-token"
PROJECT = "fake-hospital-project"
_PREFIX = "/v1/projects/{project}/locations/{location}/publishers/anthropic/models/{call:path}"


class FakeVertex(FakeUpstream):
    def __init__(self) -> None:
        super().__init__()
        self.token_requests = 0
        self.app = Starlette(
            routes=[
                Route("/token", self.token, methods=["POST"]),
                Route(_PREFIX, self.predict, methods=["POST"]),
            ]
        )

    async def token(self, _request: Request) -> Response:
        self.token_requests += 1
        return JSONResponse(
            {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"}
        )

    async def predict(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        self.record(request, body)
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return anthropic_error(401, "request had invalid authentication credentials")
        model, _, method = request.path_params["call"].partition(":")
        if method not in ("rawPredict", "streamRawPredict") or "model" in body:
            return anthropic_error(400, "not a Vertex AI Anthropic request")
        status = self.scripted_failure()
        if status is not None:
            return anthropic_error(status, "scripted failure", self.retry_after)
        if method == "streamRawPredict":
            body["stream"] = True
        return await respond(body, model)


def write_credentials(directory: Path, base_url: str) -> Path:
    """A service-account credentials file whose token endpoint is the fake's.

    google-auth always sends `authorized_user` credentials to Google's own token endpoint, but
    honours a service account's `token_uri`: it signs a JWT with the key below and posts it there.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    info: dict[str, Any] = {
        "type": "service_account",
        "project_id": PROJECT,
        "private_key_id": "fake-key-id",
        "private_key": pem.decode(),
        "client_email": f"router@{PROJECT}.iam.gserviceaccount.com",
        "client_id": "000000000000000000000",
        "token_uri": f"{base_url}/token",
    }
    path = directory / "vertex-credentials.json"
    path.write_text(json.dumps(info))
    return path
