"""The `sovereign-router` command line.

Each command group lives in its own module exposing `register(subcommands)`, which adds its
parsers and sets `handler` (a function taking the parsed arguments and returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

_COMMAND_MODULES = (
    "router.cli.serve",
    "router.cli.keys",
    "router.cli.classify",
    "router.cli.audit",
    "router.cli.policy",
    "router.cli.report",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sovereign-router",
        description="A policy-driven AI router that keeps PHI where the policy says it may go.",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in _COMMAND_MODULES:
        importlib.import_module(module_name).register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
