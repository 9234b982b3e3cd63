"""What every stage knows about the request being served."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass

from router.identity.principal import Principal


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str
    principal: Principal
    workload: str | None  # as the caller named it (header), if at all
    client_ip: str
    user_agent: str
    started: float  # perf_counter at receipt
    received_at: dt.datetime


def new_request_context(
    principal: Principal, workload: str | None, client_ip: str, user_agent: str, started: float
) -> RequestContext:
    """`started` is the perf_counter reading when the request arrived, before authentication."""
    return RequestContext(
        request_id=f"req_{uuid.uuid4().hex}",
        principal=principal,
        workload=workload,
        client_ip=client_ip,
        user_agent=user_agent,
        started=started,
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=time.perf_counter() - started),
    )
