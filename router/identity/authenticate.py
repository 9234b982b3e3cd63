"""Authenticate: turn the `Authorization` header into a `Principal`, or refuse with 401."""

from __future__ import annotations

import anyio
from starlette.requests import Request

from router.errors import AuthenticationFailed
from router.identity.api_keys import KEY_PREFIX, ApiKeyStore
from router.identity.principal import Principal


class Authenticator:
    def __init__(self, api_keys: ApiKeyStore) -> None:
        self._api_keys = api_keys

    async def authenticate(self, request: Request) -> Principal:
        credential = _bearer(request.headers.get("authorization"))
        if credential.startswith(KEY_PREFIX):
            return await anyio.to_thread.run_sync(self._api_keys.authenticate, credential)
        raise AuthenticationFailed()


def _bearer(header: str | None) -> str:
    if not header:
        raise AuthenticationFailed("Missing credentials: send 'Authorization: Bearer <key>'.")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise AuthenticationFailed("Use the Bearer scheme: 'Authorization: Bearer <key>'.")
    return credential.strip()
