"""`sovereign-router keys`: create, list and revoke API keys for applications."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from router.identity.api_keys import ApiKeyRecord, ApiKeyStore, KeyScope
from router.settings import Settings
from router.storage.db import Database
from router.tiers import Tier


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser("keys", help="Manage API keys for applications.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="Create a key; it is printed once.")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--workload", required=True, action="append", help="Workload the key may use (repeat)."
    )
    create.add_argument("--tier", action="append", choices=[t.value for t in Tier])
    create.add_argument("--application", default="")
    create.add_argument("--team", default="")
    create.add_argument("--environment", default="")
    create.add_argument("--expires-in-days", type=int)
    create.set_defaults(handler=_create)

    listing = actions.add_parser("list", help="List keys (never their secrets).")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    revoke = actions.add_parser("revoke", help="Revoke a key at once.")
    revoke.add_argument("key_id")
    revoke.set_defaults(handler=_revoke)


def _store() -> ApiKeyStore:
    database = Database(Settings().resolved_database_url)
    database.migrate()
    return ApiKeyStore(database, cache_seconds=0)


def _create(args: argparse.Namespace) -> int:
    expires = (
        dt.datetime.now(dt.UTC) + dt.timedelta(days=args.expires_in_days)
        if args.expires_in_days
        else None
    )
    scope = KeyScope(
        workloads=tuple(args.workload),
        tiers=tuple(Tier(t) for t in args.tier) if args.tier else None,
        application=args.application,
        team=args.team,
        environment=args.environment,
    )
    issued = _store().create(args.name, scope, expires)
    print(issued.secret)
    return 0


def _describe(record: ApiKeyRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "name": record.name,
        "workloads": record.workloads,
        "tiers": record.tiers,
        "application": record.application,
        "team": record.team,
        "environment": record.environment,
        "created_at": record.created_at.isoformat(),
        "expires_at": record.expires_at.isoformat() if record.expires_at else None,
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
    }


def _list(args: argparse.Namespace) -> int:
    rows = [_describe(record) for record in _store().list()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        state = "revoked" if row["revoked_at"] else "active"
        print(f"{row['id']}  {row['name']}  workloads={','.join(row['workloads'])}  {state}")  # type: ignore[arg-type]
    return 0


def _revoke(args: argparse.Namespace) -> int:
    if not _store().revoke(args.key_id):
        print(f"no key {args.key_id}")
        return 1
    print(f"revoked {args.key_id}")
    return 0
