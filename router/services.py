"""The objects one router process is made of, built by `create_app` and shared by handlers."""

from __future__ import annotations

from dataclasses import dataclass

from router.audit.trail import AuditTrail
from router.backends.registry import BackendRegistry
from router.identity.api_keys import ApiKeyStore
from router.identity.authenticate import Authenticator
from router.identity.rate_limits import RateLimits
from router.metrics import Metrics
from router.phi import Classifier
from router.pipeline import RequestPipeline
from router.policy.store import PolicyStore
from router.settings import Settings
from router.storage.db import Database
from router.supervisor import LocalModelSupervisor


@dataclass(slots=True)
class Services:
    settings: Settings
    database: Database
    policies: PolicyStore
    api_keys: ApiKeyStore
    authenticator: Authenticator
    classifier: Classifier
    metrics: Metrics
    audit: AuditTrail
    registry: BackendRegistry | None = None  # built at start-up, once the local model runs
    pipeline: RequestPipeline | None = None
    rate_limits: RateLimits | None = None
    supervisor: LocalModelSupervisor | None = None
    draining: bool = False
