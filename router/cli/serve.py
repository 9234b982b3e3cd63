"""`sovereign-router serve`: run the router with uvicorn."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn
from pydantic import ValidationError

from router.app import create_app
from router.audit.keyring import AuditKeyError
from router.policy.loader import PolicyError
from router.settings import Settings


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser("serve", help="Run the router.")
    parser.add_argument("--host", help="Interface to bind (default: settings, 127.0.0.1).")
    parser.add_argument("--port", type=int, help="Port to bind (default: settings, 8080).")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    overrides = {
        key: value for key in ("host", "port") if (value := getattr(args, key)) is not None
    }
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        print(f"invalid settings:\n{error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        app = create_app(settings)
    except (PolicyError, AuditKeyError) as error:
        print(f"refusing to start: {error}", file=sys.stderr)
        return 2
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        server_header=False,
    )
    return 0
