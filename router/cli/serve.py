"""`sovereign-router serve`: run the router with uvicorn."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from pydantic import ValidationError

from router.audit.keyring import AuditKeyError
from router.policy.loader import PolicyError
from router.server import CannotServe, serve
from router.settings import Settings
from router.tls import TlsConfigError


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser("serve", help="Run the router.")
    parser.add_argument("--host", help="Interface to bind (default: settings, 127.0.0.1).")
    parser.add_argument("--port", type=int, help="Port to bind (default: settings, 8080).")
    parser.add_argument(
        "--workers", type=int, help="Worker processes (default: settings, 1); metrics are merged."
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    overrides = {
        key: value
        for key in ("host", "port", "workers")
        if (value := getattr(args, key)) is not None
    }
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        print(f"invalid settings:\n{error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # uvicorn drains on SIGTERM, then raises the signal again for the previous handler: with
    # the default one the process would die by the signal after a clean drain. Exit 0 instead
    # (also for a SIGTERM during start-up, before uvicorn handles signals).
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        serve(settings)
    except (PolicyError, AuditKeyError, TlsConfigError, CannotServe) as error:
        print(f"refusing to start: {error}", file=sys.stderr)
        return 2
    return 0


def _exit_cleanly(_signum: int, _frame: object) -> None:
    raise SystemExit(0)
