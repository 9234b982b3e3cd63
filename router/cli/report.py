"""`sovereign-router report`: the governance figures for the monthly review.

    sovereign-router report --since 30d --format html --output governance-2026-11.html
    sovereign-router report --since 30d --format csv > governance.csv

It reads the same settings as `serve` (environment and `SOVEREIGN_ROUTER_CONFIG_FILE`): the
database's audit index and the active policy. HTML is one self-contained file with the
dashboard's charts; CSV is one table per section, each introduced by a `# name` row.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "report",
        help="write the governance report (HTML with charts, or CSV)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--since", default="30d", help="period up to now: 12h, 30d, 2w")
    parser.add_argument("--format", choices=("html", "csv"), default="html")
    parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from router.governance.report import gather, parse_period, render_report
    from router.policy.loader import PolicyError
    from router.settings import Settings

    try:
        period = parse_period(args.since)
    except ValueError as error:
        print(f"report: {error}", file=sys.stderr)
        return 2
    try:
        figures = gather(Settings(), period)
    except PolicyError as error:
        print(f"report: the policy is not valid: {error}", file=sys.stderr)
        return 1
    text = render_report(figures, args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"report written to {args.output}", file=sys.stderr)
    return 0
