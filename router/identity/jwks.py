"""An issuer's signing keys: found by discovery, fetched over HTTPS, cached, refreshed.

Keys are refetched when the cache is older than `jwks_cache_seconds`, and when a token names a
`kid` the cache does not hold (the IdP rotated its keys), but no more often than
`jwks_refetch_min_seconds`, so that tokens with made-up key ids cannot make the router hammer
the IdP. When the IdP cannot be reached the cached keys stay in use.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from router.identity.settings import OidcIssuerSettings, OidcSettings

log = logging.getLogger(__name__)

_DISCOVERY_PATH = "/.well-known/openid-configuration"


class KeysUnavailable(Exception):
    """No signing keys could be fetched and none are cached."""


class IssuerKeys:
    """The signing keys of one issuer."""

    def __init__(
        self,
        issuer: OidcIssuerSettings,
        timing: OidcSettings,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._issuer = issuer
        self._timing = timing
        self._http = http
        self._clock = clock
        self._jwks_uri = issuer.jwks_uri
        self._keys: KeySet | None = None
        self._kids: frozenset[str] = frozenset()
        self._fetched_at = float("-inf")  # last successful fetch
        self._attempted_at = float("-inf")  # last attempt, successful or not
        self._lock = asyncio.Lock()
        self.fetches = 0  # successful fetches, for tests and diagnostics

    async def for_kid(self, kid: str | None) -> KeySet | None:
        """The key set to verify a token signed with `kid`; None when that key is unknown."""
        if self._stale():
            await self._refresh(force=False)
        if kid is not None and kid not in self._kids:
            await self._refresh(force=True)
        if self._keys is None:
            raise KeysUnavailable(self._issuer.issuer)
        if kid is not None and kid not in self._kids:
            return None
        return self._keys

    def _stale(self) -> bool:
        return self._clock() - self._fetched_at >= self._timing.jwks_cache_seconds

    async def _refresh(self, *, force: bool) -> None:
        async with self._lock:
            now = self._clock()
            if now - self._attempted_at < self._timing.jwks_refetch_min_seconds:
                return  # another request just fetched, or tried to
            if not force and not self._stale():
                return
            self._attempted_at = now
            try:
                keys = await self._fetch()
            except (httpx.HTTPError, ValueError, JoseError) as error:
                # The URL is configuration, not request content; it may be logged.
                log.warning(
                    "signing keys of %s could not be fetched (%s); %s",
                    self._issuer.issuer,
                    type(error).__name__,
                    "keeping the cached keys" if self._keys else "no keys cached",
                )
                return
            self._keys = keys
            self._kids = frozenset(str(key.kid) for key in keys.keys if key.kid is not None)
            self._fetched_at = self._clock()
            self.fetches += 1

    async def _fetch(self) -> KeySet:
        if self._jwks_uri is None:
            self._jwks_uri = await self._discover()
        document = await self._get_json(self._jwks_uri)
        keys = [
            key
            for key in document.get("keys", [])
            if isinstance(key, dict) and key.get("use", "sig") == "sig"
        ]
        return KeySet.import_key_set({"keys": keys})

    async def _discover(self) -> str:
        issuer = self._issuer.issuer
        document = await self._get_json(issuer.rstrip("/") + _DISCOVERY_PATH)
        if document.get("issuer") != issuer:
            raise ValueError("the discovery document names another issuer")
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise ValueError("the discovery document has no jwks_uri")
        return jwks_uri

    async def _get_json(self, url: str) -> dict[str, Any]:
        response = await self._http.get(url, timeout=self._timing.http_timeout_seconds)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError("expected a JSON object")
        return document
