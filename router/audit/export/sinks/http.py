"""JSON batches POSTed to a collector: Splunk's HTTP Event Collector or a generic webhook.

Retries (by raising `SinkUnavailable`) on transport errors, 429 and 5xx only; any other
non-2xx answer means the batch itself is refused, so it is dropped and counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import httpx
import orjson

from router.audit.export.config import HttpSinkSettings
from router.audit.export.event import Event
from router.audit.export.sinks.base import SinkRejected, SinkUnavailable


class HttpSink:
    def __init__(self, settings: HttpSinkSettings) -> None:
        self._settings = settings
        self._client = httpx.AsyncClient(
            timeout=settings.timeout_seconds,
            verify=str(settings.ca_file) if settings.ca_file else True,
            headers=_headers(settings),
            follow_redirects=False,
        )

    async def send(self, batch: Sequence[Event]) -> None:
        try:
            response = await self._client.post(self._settings.url, content=self._body(batch))
        except httpx.HTTPError as error:
            raise SinkUnavailable(f"collector unreachable ({type(error).__name__})") from None
        status = response.status_code
        if status == 429 or status >= 500:
            raise SinkUnavailable(
                f"collector answered {status}",
                retry_after_seconds=_retry_after(response.headers.get("retry-after")),
            )
        if not 200 <= status < 300:
            raise SinkRejected(f"collector refused the batch with {status}")

    async def aclose(self) -> None:
        await self._client.aclose()

    def _body(self, batch: Sequence[Event]) -> bytes:
        if self._settings.format == "json":
            return orjson.dumps(list(batch))
        # HEC takes several event envelopes concatenated in one request body.
        return b"\n".join(orjson.dumps(self._hec_envelope(event)) for event in batch)

    def _hec_envelope(self, event: Event) -> Event:
        settings = self._settings
        envelope: Event = {
            "source": settings.splunk_source,
            "sourcetype": settings.splunk_sourcetype,
            "event": event,
        }
        if (seconds := _epoch_seconds(event.get("time"))) is not None:
            envelope["time"] = seconds
        if settings.splunk_index:
            envelope["index"] = settings.splunk_index
        return envelope


def _headers(settings: HttpSinkSettings) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "User-Agent": "sovereign-router-audit-export"}
    if settings.token is not None:
        scheme = "Splunk" if settings.format == "splunk_hec" else "Bearer"
        headers["Authorization"] = f"{scheme} {settings.token.get_secret_value()}"
    return headers


def _epoch_seconds(stamp: object) -> float | None:
    if not isinstance(stamp, str):
        return None
    return round(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp(), 6)


def _retry_after(value: str | None) -> float | None:
    """Seconds only; an HTTP date is rare from collectors and falls back to the backoff."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
