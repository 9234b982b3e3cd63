"""Prometheus metrics. Labels carry names from the policy only, never request content."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from router.metrics_multiprocess import exposition, multiprocess_dir

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
    """Every metric the router exports, registered on a registry of its own.

    Under `serve --workers N` (multiprocess mode) each gauge's `multiprocess_mode` says how the
    workers' values combine; single-process mode ignores it.
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self.multiprocess_dir = multiprocess_dir()
        self._policy_versions: set[str] = set()
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
            multiprocess_mode="livesum",  # each worker has its own queue
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
            multiprocess_mode="livemin",  # the soonest any worker's policy says
        )
        self.policy_info = Gauge(
            "sovereign_router_policy_info",
            "The active policy version.",
            ["version"],
            registry=r,
            multiprocess_mode="livemax",
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
            multiprocess_mode="livemax",  # up while any worker can reach it
        )

    def exposition(self) -> bytes:
        """The scrape: this process's registry, or every worker's files in multiprocess mode."""
        if self.multiprocess_dir is not None:
            return exposition(self.multiprocess_dir)
        return generate_latest(self.registry)

    def show_policy_version(self, version: str) -> None:
        """Report `version` as the only active one."""
        if self.multiprocess_dir is None:
            self.policy_info.clear()
        else:
            # Multiprocess files cannot drop a label: earlier versions read 0 instead.
            for earlier in self._policy_versions - {version}:
                self.policy_info.labels(earlier).set(0)
            self._policy_versions.add(version)
        self.policy_info.labels(version).set(1)

    def show_routes(self, baa_days: Mapping[str, int], health: Mapping[str, bool]) -> None:
        """Report BAA days to expiry and health of exactly the policy's current routes.

        In multiprocess mode a route removed by a reload keeps its last values until the
        server restarts (its label cannot be dropped from the files); a 0 would read as "down".
        """
        if self.multiprocess_dir is None:
            # Cleared first so that routes removed by a reload stop being reported.
            self.baa_days_to_expiry.clear()
            self.route_healthy.clear()
        for name, days in baa_days.items():
            self.baa_days_to_expiry.labels(name).set(days)
        for name, healthy in health.items():
            self.route_healthy.labels(name).set(1 if healthy else 0)
