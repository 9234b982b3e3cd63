"""Prometheus metrics. Labels carry names from the policy only, never request content."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
    60,
)
_OVERHEAD_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0015,
    0.002,
    0.003,
    0.004,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
)


class Metrics:
    """Every metric the router exports, registered on a registry of its own."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "sovereign_router_requests",
            "Requests by workload, effective tier, route, data boundary, model, decision, status.",
            ["workload", "tier", "route", "boundary", "model", "decision", "status"],
            registry=r,
        )
        self.refusals = Counter(
            "sovereign_router_refusals",
            "Requests refused or denied, by reason.",
            ["reason"],
            registry=r,
        )
        self.authentication_failures = Counter(
            "sovereign_router_authentication_failures",
            "Requests refused with 401, by mechanism (api_key, oidc, none, unknown) and reason.",
            ["mechanism", "reason"],
            registry=r,
        )
        self.phi_entities = Counter(
            "sovereign_router_phi_entities", "PHI entities detected, by type.", ["type"], registry=r
        )
        self.deidentified = Counter(
            "sovereign_router_deidentified_requests",
            "Requests de-identified before leaving the premises.",
            ["workload", "route"],
            registry=r,
        )
        self.fallbacks = Counter(
            "sovereign_router_fallbacks",
            "Requests that moved to the next permitted route.",
            ["from_route", "to_route"],
            registry=r,
        )
        self.upstream_errors = Counter(
            "sovereign_router_upstream_errors", "Backend failures.", ["route", "kind"], registry=r
        )
        self.tokens = Counter(
            "sovereign_router_tokens",
            "Tokens in and out.",
            ["route", "workload", "direction"],
            registry=r,
        )
        self.overhead = Histogram(
            "sovereign_router_overhead_seconds",
            "Time the router adds before forwarding (auth, parse, classify, decide, audit).",
            buckets=_OVERHEAD_BUCKETS,
            registry=r,
        )
        self.upstream_latency = Histogram(
            "sovereign_router_upstream_latency_seconds",
            "Backend time to response headers.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.time_to_first_token = Histogram(
            "sovereign_router_time_to_first_token_seconds",
            "Time from receipt to the first streamed chunk.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.request_duration = Histogram(
            "sovereign_router_request_duration_seconds",
            "Time from receipt to the end of the response.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.audit_write = Histogram(
            "sovereign_router_audit_write_seconds",
            "Time to commit the write-ahead audit record.",
            buckets=_OVERHEAD_BUCKETS,
            registry=r,
        )
        self.audit_export_queue_depth = Gauge(
            "sovereign_router_audit_export_queue_depth",
            "Audit events waiting per sink.",
            ["sink"],
            registry=r,
        )
        self.audit_export_dropped = Counter(
            "sovereign_router_audit_export_dropped",
            "Audit events a sink dropped.",
            ["sink"],
            registry=r,
        )
        self.audit_exported = Counter(
            "sovereign_router_audit_exported",
            "Audit events a sink delivered.",
            ["sink"],
            registry=r,
        )
        self.baa_days_to_expiry = Gauge(
            "sovereign_router_baa_days_to_expiry",
            "Days until a route's BAA expires.",
            ["route"],
            registry=r,
        )
        self.policy_info = Gauge(
            "sovereign_router_policy_info", "The active policy version.", ["version"], registry=r
        )
        self.policy_reload_failures = Counter(
            "sovereign_router_policy_reload_failures",
            "Policy reloads rejected; the last good policy stayed active.",
            registry=r,
        )
        self.route_healthy = Gauge(
            "sovereign_router_route_healthy",
            "1 when a route can take traffic.",
            ["route"],
            registry=r,
        )
