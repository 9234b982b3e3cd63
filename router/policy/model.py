"""The policy as strictly validated data: routes, logical models, workloads and tier rules.

Unknown fields are rejected everywhere, so that a typo in a policy file is an error with a line
number rather than a silently ignored safeguard.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from router.tiers import Tier

API_VERSION: Final = "sovereign-router/v1"

Name = str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RouteKind(StrEnum):
    OPENAI_COMPATIBLE = "openai_compatible"
    ANTHROPIC = "anthropic"
    BEDROCK = "bedrock"
    VERTEX_AI = "vertex_ai"


class DataBoundary(StrEnum):
    """Where the data physically goes when a route is used."""

    ON_PREM = "on_prem"
    CUSTOMER_CLOUD = "customer_cloud"
    VENDOR = "vendor"


class Capability(StrEnum):
    CHAT = "chat"
    COMPLETIONS = "completions"
    EMBEDDINGS = "embeddings"


class BusinessAssociateAgreement(_Strict):
    agreement_id: str = Field(min_length=1)
    signed: dt.date
    expires: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        """Signed and not yet expired on `day`; an expired agreement is no agreement."""
        if self.signed > day:
            return False
        return self.expires is None or day <= self.expires

    def days_to_expiry(self, day: dt.date) -> int | None:
        return None if self.expires is None else (self.expires - day).days

    @model_validator(mode="after")
    def _expires_after_signing(self) -> BusinessAssociateAgreement:
        if self.expires is not None and self.expires < self.signed:
            raise ValueError("expires is before signed")
        return self


class Route(_Strict):
    """One place a request can be sent: a deployment of a model behind one protocol."""

    kind: RouteKind
    model: str = Field(min_length=1, description="The model name sent to the backend.")
    data_boundary: DataBoundary
    endpoints: tuple[str, ...] = Field(
        default=(), description="Base URLs of replicas (openai_compatible) or a VPC endpoint."
    )
    managed: bool = Field(
        default=False,
        description="The endpoint is the local model server the router supervises.",
    )
    region: str | None = None
    baa: BusinessAssociateAgreement | None = None
    zero_data_retention: bool = False
    enabled: bool = True
    capabilities: tuple[Capability, ...] = (Capability.CHAT,)
    description: str = ""

    @property
    def is_on_prem(self) -> bool:
        return self.data_boundary is DataBoundary.ON_PREM

    def baa_active_on(self, day: dt.date) -> bool:
        return self.baa is not None and self.baa.active_on(day)

    @model_validator(mode="after")
    def _endpoint_shape(self) -> Route:
        if self.kind is RouteKind.OPENAI_COMPATIBLE and not (self.endpoints or self.managed):
            raise ValueError("an openai_compatible route needs endpoints or managed: true")
        if self.managed and self.kind is not RouteKind.OPENAI_COMPATIBLE:
            raise ValueError("only openai_compatible routes can be managed")
        if self.managed and not self.is_on_prem:
            raise ValueError("a managed route runs on this host, so its boundary is on_prem")
        return self


class LogicalModel(_Strict):
    """A name clients ask for (`chat`, `clinical`), served by any of its routes."""

    routes: tuple[Name, ...] = Field(min_length=1)
    description: str = ""


class Principals(_Strict):
    """Who may use a workload; an empty list means nobody through that mechanism."""

    api_keys: Literal["any"] | tuple[str, ...] = Field(
        default="any", description="`any` key scoped to the workload, or the listed key ids."
    )
    groups: tuple[str, ...] = Field(
        default=(), description="IdP groups or roles; membership of one of them is required."
    )
    service_accounts: bool = Field(
        default=False, description="Client-credentials tokens allowed (never implied for PHI)."
    )
    require_mfa: bool | None = Field(
        default=None, description="Default: required when the workload's tier carries PHI."
    )


class Workload(_Strict):
    """An application's declared use: its tier, its callers, its models."""

    tier: Tier
    models: tuple[Name, ...] = Field(min_length=1)
    principals: Principals = Principals()
    deidentify: bool = Field(
        default=False, description="Replace identifiers before a request leaves the premises."
    )
    retention_days: int | None = Field(default=None, ge=1)
    description: str = ""


class Policy(_Strict):
    """A whole policy: what may go where, and who may ask."""

    api_version: Literal["sovereign-router/v1"] = Field(default=API_VERSION, alias="apiVersion")
    routes: dict[Name, Route] = Field(default_factory=dict)
    models: dict[Name, LogicalModel] = Field(default_factory=dict)
    workloads: dict[Name, Workload] = Field(default_factory=dict)
    tiers: dict[Tier, tuple[Name, ...]] = Field(
        default_factory=dict, description="For each tier, the ordered routes it may use."
    )
    mfa_values: tuple[str, ...] = Field(
        default=("mfa", "otp", "hwk", "swk"),
        description="`amr` or `acr` values that count as multi-factor authentication.",
    )

    @model_validator(mode="after")
    def _references_resolve(self) -> Policy:
        problems: list[str] = []
        for model_name, model in self.models.items():
            problems += [
                f"models.{model_name}: unknown route '{route}'"
                for route in model.routes
                if route not in self.routes
            ]
        for workload_name, workload in self.workloads.items():
            problems += [
                f"workloads.{workload_name}: unknown model '{model}'"
                for model in workload.models
                if model not in self.models
            ]
        for tier, routes in self.tiers.items():
            problems += [
                f"tiers.{tier}: unknown route '{route}'"
                for route in routes
                if route not in self.routes
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return self
