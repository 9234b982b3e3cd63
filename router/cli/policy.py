"""`sovereign-router policy`: check, test, explain and diff policies without running the router.

    sovereign-router policy check [DIR]
    sovereign-router policy test [DIR] [--tests DIR/tests]
    sovereign-router policy explain --workload clinical --tier non_phi [--route-health r=down]
    sovereign-router policy diff OLD_DIR NEW_DIR

DIR defaults to the configured policy directory (`SOVEREIGN_ROUTER_POLICY_DIR`). Exit status:
0 when valid (warnings are printed, and fail only with --strict), 1 on an invalid policy, a
failed test case or a difference found by `diff`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from router.errors import RouterError
from router.identity.principal import PrincipalKind
from router.policy.cases import ChatClassifier
from router.policy.model import Capability
from router.tiers import Tier


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "policy",
        help="check, test, explain and diff routing policies",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="policy_command", required=True, metavar="ACTION")

    check = actions.add_parser("check", help="validate a policy, print its version and warnings")
    _directory_argument(check)
    check.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
    check.set_defaults(handler=run_check)

    test = actions.add_parser("test", help="run the policy's test cases (tests/*.yaml)")
    _directory_argument(test)
    test.add_argument("--tests", type=Path, help="directory of test cases (default: DIR/tests)")
    test.add_argument("-v", "--verbose", action="store_true", help="list passing cases too")
    test.set_defaults(handler=run_test)

    explain = actions.add_parser("explain", help="show the decision for one request")
    _explain_arguments(explain)
    explain.set_defaults(handler=run_explain)

    diff = actions.add_parser("diff", help="which routes, models, workloads and tiers changed")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.set_defaults(handler=run_diff)


def _directory_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "directory", nargs="?", type=Path, help="policy directory (default: the configured one)"
    )


def _explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", dest="directory", type=Path, help="policy directory")
    parser.add_argument("--workload", required=True)
    parser.add_argument("--model", default="auto", help="logical model (default: auto)")
    parser.add_argument("--capability", choices=[c.value for c in Capability], default="chat")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--tier", choices=[t.value for t in Tier], help="the detected tier")
    source.add_argument(
        "--request", type=Path, help="a chat request (JSON with messages) to classify; - = stdin"
    )
    parser.add_argument(
        "--principal",
        # `anonymous` only ever appears in audit records of failed sign-ins.
        choices=[k.value for k in PrincipalKind if k.value != "anonymous"],
        default="api_key",
        help="who asks (default: an API key scoped to the workload)",
    )
    parser.add_argument("--key-id", default="srk_policytest")
    parser.add_argument("--group", action="append", default=[], help="IdP group (repeatable)")
    parser.add_argument("--mfa", action="store_true", help="the user signed in with MFA")
    parser.add_argument(
        "--route-health",
        action="append",
        default=[],
        metavar="ROUTE=up|down",
        help="override a route's health (every enabled route is up otherwise)",
    )
    parser.add_argument("--enable", action="append", default=[], metavar="ROUTE")
    parser.add_argument("--disable", action="append", default=[], metavar="ROUTE")
    parser.add_argument("--date", type=dt.date.fromisoformat, help="decision date (YYYY-MM-DD)")
    parser.add_argument("--json", action="store_true", help="print the decision as JSON")


def _policy_dir(args: argparse.Namespace) -> Path:
    if args.directory is not None:
        return Path(args.directory)
    from router.settings import Settings

    return Settings().policy_dir


def _print_problems(problems: list[str]) -> int:
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1


def run_check(args: argparse.Namespace) -> int:
    from router.policy.governance import policy_warnings
    from router.policy.loader import PolicyError, load_policy

    directory = _policy_dir(args)
    try:
        loaded = load_policy(directory)
    except PolicyError as error:
        return _print_problems(error.problems)
    policy = loaded.policy
    print(
        f"{directory}: valid policy {loaded.version} ({len(loaded.files)} files, "
        f"{len(policy.routes)} routes, {len(policy.models)} models, "
        f"{len(policy.workloads)} workloads)"
    )
    warnings = policy_warnings(policy, dt.datetime.now(dt.UTC).date())
    for warning in warnings:
        print(f"warning: {warning} [{warning.code.value}]")
    return 1 if warnings and args.strict else 0


def run_test(args: argparse.Namespace) -> int:
    from router.policy.cases import describe, run_cases
    from router.policy.loader import PolicyError, load_policy

    directory = _policy_dir(args)
    tests = args.tests or directory / "tests"
    try:
        report = run_cases(load_policy(directory), tests, _chat_classifier)
    except PolicyError as error:
        return _print_problems(error.problems)
    for result in report.results:
        if not result.passed:
            print(f"FAIL {result.where} {result.name}")
            for failure in result.failures:
                print(f"     {failure}")
            if result.decision is not None:
                print(f"     decision: {describe(result.decision)}")
        elif args.verbose:
            print(f"ok   {result.where} {result.name}")
    failed = len(report.failed)
    print(f"{len(report.results) - failed} passed, {failed} failed")
    return 1 if failed else 0


def run_explain(args: argparse.Namespace) -> int:
    from router.policy.cases import (
        PrincipalSpec,
        RequestSpec,
        Scenario,
        scenario_facts,
        scenario_policy,
        unknown_route_names,
    )
    from router.policy.decision import decide
    from router.policy.loader import PolicyError, load_policy

    try:
        loaded = load_policy(_policy_dir(args))
        scenario = Scenario(
            route_health=_health(args.route_health),
            date=args.date,
            enable=tuple(args.enable),
            disable=tuple(args.disable),
        )
    except (PolicyError, ValueError) as error:
        problems = error.problems if isinstance(error, PolicyError) else [str(error)]
        return _print_problems(problems)
    unknown = unknown_route_names(loaded.policy, scenario)
    if unknown:
        return _print_problems([f"unknown route(s): {', '.join(unknown)}"])
    request = RequestSpec(workload=args.workload, model=args.model, capability=args.capability)
    principal = PrincipalSpec(
        kind=PrincipalKind(args.principal),
        key_id=args.key_id,
        groups=tuple(args.group),
        mfa=args.mfa,
    )
    try:
        detected, entity_counts = _detected(args)
    except (ValueError, OSError, RouterError) as error:
        # Never the content: only what kind of input could not be read or scanned.
        message = error.message if isinstance(error, RouterError) else type(error).__name__
        return _print_problems([f"--request could not be classified: {message}"])
    policy = scenario_policy(loaded.policy, scenario)
    facts = scenario_facts(policy, request, principal, scenario, detected, "dec_explain")
    decision = decide(facts, policy, loaded.version)
    _print_decision(decision, entity_counts, as_json=args.json)
    return 0


def run_diff(args: argparse.Namespace) -> int:
    from router.policy.diff import policy_diff
    from router.policy.loader import PolicyError, load_policy

    try:
        old, new = load_policy(args.old), load_policy(args.new)
    except PolicyError as error:
        return _print_problems(error.problems)
    lines = policy_diff(old.policy, new.policy)
    print(f"{old.version} -> {new.version}")
    for line in lines:
        print(line)
    if not lines:
        print("no changes in routes, models, workloads or tiers")
    return 1 if lines else 0


def _health(items: list[str]) -> dict[str, bool]:
    health: dict[str, bool] = {}
    for item in items:
        name, _, state = item.partition("=")
        if state not in ("up", "down") or not name:
            raise ValueError(f"--route-health takes ROUTE=up or ROUTE=down, not {item!r}")
        health[name] = state == "up"
    return health


def _detected(args: argparse.Namespace) -> tuple[Tier, dict[str, int] | None]:
    if args.request is None:
        return Tier(args.tier or Tier.NON_PHI), None
    text = sys.stdin.read() if str(args.request) == "-" else args.request.read_text("utf-8")
    from router.phi import Classifier

    classification = Classifier().classify_chat(json.loads(text))
    return classification.tier, classification.entity_counts()


def _chat_classifier() -> ChatClassifier:
    from router.phi import Classifier

    classifier = Classifier()

    def classify(body: Mapping[str, object]) -> Tier:
        return classifier.classify_chat(body).tier

    return classify


def _print_decision(decision: Any, entity_counts: dict[str, int] | None, *, as_json: bool) -> None:
    from router.policy.explain import decision_summary

    summary = decision_summary(decision)
    if entity_counts is not None:
        summary["entity_counts"] = entity_counts
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    for key, value in summary.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        print(f"{key:<16} {'-' if shown in (None, '') else shown}")
