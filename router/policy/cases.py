"""Policy test cases: tables of requests and the decision the privacy officer expects.

Files `tests/*.yaml` beside the policy (format in docs/policy.md) are validated as strictly as
the policy itself, with file and line in every error. Each case names a request (workload,
model, and either a detected tier or chat messages to classify), a principal, the health of
routes, a date, and the expected outcome; `run_cases` decides each one with the real
`decide` and reports every difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from router.identity.principal import Principal, PrincipalKind
from router.policy.decision import AUTO_MODEL, Decision, Facts, Outcome, decide
from router.policy.loader import LoadedPolicy, PolicyError, locate, read_located
from router.policy.model import Capability, Policy
from router.tiers import Tier

# Classifies a chat body (`{"messages": [...]}`) into its detected tier.
ChatClassifier = Callable[[Mapping[str, object]], Tier]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrincipalSpec(_Strict):
    """Who is asking. By default an API key scoped to the request's workload."""

    kind: PrincipalKind = PrincipalKind.API_KEY
    key_id: str = "srk_policytest"
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    mfa: bool = False
    workloads: tuple[str, ...] | None = Field(
        default=None, description="The credential's workload scope; default: the request's."
    )
    tiers: tuple[Tier, ...] | None = None

    def to_principal(self, workload: str) -> Principal:
        return Principal(
            kind=self.kind,
            subject=self.key_id if self.kind is PrincipalKind.API_KEY else "policy-test",
            key_id=self.key_id if self.kind is PrincipalKind.API_KEY else None,
            groups=frozenset(self.groups),
            roles=frozenset(self.roles),
            authentication_methods=frozenset({"mfa"} if self.mfa else {"pwd"}),
            workloads=frozenset(self.workloads if self.workloads is not None else (workload,)),
            tiers=frozenset(self.tiers) if self.tiers is not None else None,
        )


class RequestSpec(_Strict):
    workload: str
    model: str = AUTO_MODEL
    capability: Capability = Capability.CHAT
    detected_tier: Tier | None = None
    messages: tuple[dict[str, Any], ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_source_of_tier(self) -> RequestSpec:
        if self.detected_tier is not None and self.messages is not None:
            raise ValueError("give detected_tier or messages, not both")
        return self


class Expectation(_Strict):
    """Only the fields given are compared."""

    outcome: Outcome
    route: str | None = None
    fallbacks: tuple[str, ...] | None = None
    rule: str | None = None
    effective_tier: Tier | None = None
    deidentify: bool | None = None
    status: int | None = None


class Scenario(_Strict):
    """The circumstances of a decision, with what-if switches for routes."""

    route_health: dict[str, bool] = Field(
        default_factory=dict, description="Overrides; every enabled route is healthy otherwise."
    )
    date: dt.date | None = None
    enable: tuple[str, ...] = Field(default=(), description="Treat these routes as enabled.")
    disable: tuple[str, ...] = Field(default=(), description="Treat these routes as disabled.")


class PolicyCase(Scenario):
    name: str = Field(min_length=1)
    request: RequestSpec
    principal: PrincipalSpec = PrincipalSpec()
    expect: Expectation


class CaseFile(_Strict):
    api_version: Literal["sovereign-router/v1"] = Field(alias="apiVersion")
    date: dt.date | None = Field(default=None, description="Default date of every case.")
    cases: tuple[PolicyCase, ...]

    @field_validator("cases")
    @classmethod
    def _not_empty(cls, cases: tuple[PolicyCase, ...]) -> tuple[PolicyCase, ...]:
        # Not `min_length`: pydantic adds a length error whenever any item is invalid.
        if not cases:
            raise ValueError("a test file needs at least one case")
        return cases


@dataclass(frozen=True, slots=True)
class CaseResult:
    where: str  # file:line of the case
    name: str
    decision: Decision | None
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(slots=True)
class CaseReport:
    results: list[CaseResult] = field(default_factory=list)

    @property
    def failed(self) -> list[CaseResult]:
        return [result for result in self.results if not result.passed]


def scenario_policy(policy: Policy, scenario: Scenario) -> Policy:
    """The policy with the scenario's routes switched on or off (nothing else changes)."""
    if not (scenario.enable or scenario.disable):
        return policy

    def enabled(name: str, was: bool) -> bool:
        return name in scenario.enable or (was and name not in scenario.disable)

    routes = {
        name: route.model_copy(update={"enabled": enabled(name, route.enabled)})
        for name, route in policy.routes.items()
    }
    return policy.model_copy(update={"routes": routes})


def scenario_facts(
    policy: Policy,
    request: RequestSpec,
    principal: PrincipalSpec,
    scenario: Scenario,
    detected: Tier,
    decision_id: str,
) -> Facts:
    health = {name: route.enabled for name, route in policy.routes.items()}
    health.update(scenario.route_health)
    return Facts(
        decision_id=decision_id,
        principal=principal.to_principal(request.workload),
        workload=request.workload,
        requested_model=request.model,
        capability=request.capability,
        detected_tier=detected,
        route_health=health,
        today=scenario.date or dt.datetime.now(dt.UTC).date(),
    )


def unknown_route_names(policy: Policy, scenario: Scenario) -> list[str]:
    named = [*scenario.route_health, *scenario.enable, *scenario.disable]
    return [name for name in named if name not in policy.routes]


def load_case_files(directory: Path) -> list[tuple[str, CaseFile, dict[Any, tuple[str, int]]]]:
    """Every `*.yaml` in `directory`, validated; raises `PolicyError` listing every problem."""
    if not directory.is_dir():
        raise PolicyError([f"{directory}: not a directory"])
    paths = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not paths:
        raise PolicyError([f"{directory}: no test files (*.yaml)"])
    loaded, problems = [], []
    for path in paths:
        document, lines, found = read_located(path)
        if document is None:
            problems += found
            continue
        try:
            loaded.append((path.name, CaseFile.model_validate(document), lines))
        except ValidationError as error:
            problems += locate(error, lines, path.name)
    if problems:
        raise PolicyError(problems)
    return loaded


def run_cases(
    policy: LoadedPolicy, directory: Path, classify: Callable[[], ChatClassifier]
) -> CaseReport:
    """Decide every case against `policy`. `classify` is called only if a case has messages."""
    report = CaseReport()
    classifier: ChatClassifier | None = None
    for file_name, case_file, lines in load_case_files(directory):
        for index, case in enumerate(case_file.cases):
            where = "{}:{}".format(*lines.get(("cases", index), (file_name, 0)))
            if case.request.messages is not None and classifier is None:
                classifier = classify()
            report.results.append(_run_one(policy, case_file, case, where, classifier))
    return report


def _run_one(
    loaded: LoadedPolicy,
    case_file: CaseFile,
    case: PolicyCase,
    where: str,
    classifier: ChatClassifier | None,
) -> CaseResult:
    unknown = unknown_route_names(loaded.policy, case)
    if unknown:
        return CaseResult(where, case.name, None, (f"unknown route(s): {', '.join(unknown)}",))
    scenario = case if case.date else case.model_copy(update={"date": case_file.date})
    policy = scenario_policy(loaded.policy, scenario)
    detected = case.request.detected_tier or Tier.NON_PHI
    if case.request.messages is not None and classifier is not None:
        detected = classifier({"messages": list(case.request.messages)})
    facts = scenario_facts(policy, case.request, case.principal, scenario, detected, "dec_case")
    decision = decide(facts, policy, loaded.version)
    return CaseResult(where, case.name, decision, tuple(_differences(case.expect, decision)))


def _differences(expect: Expectation, decision: Decision) -> list[str]:
    actual: dict[str, object] = {
        "outcome": decision.outcome,
        "route": decision.route,
        "fallbacks": decision.fallbacks,
        "rule": decision.rule,
        "effective_tier": decision.effective_tier,
        "deidentify": decision.deidentify,
        "status": decision.status_code,
    }
    given = expect.model_dump(exclude_unset=True)
    if expect.outcome is not Outcome.ROUTE and "route" not in given:
        given["route"] = None  # a refusal never names a route; say so without being asked
    return [
        f"{key}: expected {_show(value)}, got {_show(actual[key])}"
        for key, value in given.items()
        if value != actual[key]
    ]


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return "none" if value is None else repr(str(value))


def describe(decision: Decision) -> str:
    """One line: outcome, route or status, the rule that fired and the reason."""
    target = f"-> {decision.route}" if decision.route else f"({decision.status_code})"
    return f"{decision.outcome} {target} by {decision.rule}: {decision.reason}"
