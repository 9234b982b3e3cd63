"""What every stage knows about the request being served."""

from __future__ import annotations

import datetime as dt
import secrets
import time
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


def new_request_id() -> str:
    """`req_` and 32 hex digits: the time in milliseconds (12), then 80 random bits (20).

    Time first so that consecutive requests sort together: each audit commit then adds its
    request ids at the end of the id indexes (one page written each) rather than at random
    leaves of them (one more page each, and a read of it once the index outgrows the cache).
    """
    return f"req_{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def new_request_context(
    principal: Principal, workload: str | None, client_ip: str, user_agent: str, started: float
) -> RequestContext:
    """`started` is the perf_counter reading when the request arrived, before authentication."""
    return RequestContext(
        request_id=new_request_id(),
        principal=principal,
        workload=workload,
        client_ip=client_ip,
        user_agent=user_agent,
        started=started,
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=time.perf_counter() - started),
    )
