"""The authenticated caller, as every later stage sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from router.tiers import Tier


class PrincipalKind(StrEnum):
    API_KEY = "api_key"
    USER = "user"
    SERVICE_ACCOUNT = "service_account"
    ANONYMOUS = "anonymous"  # only in audit records of failed authentications


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified identity. `workloads`/`tiers` are the scope a credential was granted."""

    kind: PrincipalKind
    subject: str
    name: str = ""
    email: str = ""
    issuer: str = ""
    key_id: str | None = None
    groups: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    authentication_methods: frozenset[str] = frozenset()
    authentication_context: str = ""
    workloads: frozenset[str] | None = None
    tiers: frozenset[Tier] | None = None
    application: str = ""
    team: str = ""
    environment: str = ""
    requests_per_minute: int | None = None  # per-credential limits; None: the defaults
    tokens_per_minute: int | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def may_use_workload(self, workload: str) -> bool:
        return self.workloads is None or workload in self.workloads

    def may_use_tier(self, tier: Tier) -> bool:
        return self.tiers is None or tier in self.tiers

    def has_mfa(self, accepted_values: tuple[str, ...]) -> bool:
        accepted = frozenset(accepted_values)
        return bool(self.authentication_methods & accepted) or (
            self.authentication_context in accepted
        )

    @property
    def identity(self) -> str:
        """Who this is, across credentials of the same kind: kind, issuer and subject."""
        return f"{self.kind}\x00{self.issuer}\x00{self.subject}"

    @property
    def default_workload(self) -> str | None:
        """The workload a credential scoped to exactly one workload implies."""
        if self.workloads is not None and len(self.workloads) == 1:
            return next(iter(self.workloads))
        return None
