"""`sovereign-router keys`: create, list, rotate and revoke API keys for applications."""

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
    create.add_argument("--requests-per-minute", type=int, help="Overrides the default limit.")
    create.add_argument("--tokens-per-minute", type=int, help="Overrides the default limit.")
    create.set_defaults(handler=_create)

    listing = actions.add_parser("list", help="List keys (never their secrets).")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    rotate = actions.add_parser(
        "rotate", help="Issue a new key with the same scope; the old one ends after a grace period."
    )
    rotate.add_argument("key_id")
    rotate.add_argument(
        "--grace-hours",
        type=float,
        default=24.0,
        help="How long the old key keeps working (default 24; 0 ends it at once).",
    )
    rotate.set_defaults(handler=_rotate)

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
        requests_per_minute=args.requests_per_minute,
        tokens_per_minute=args.tokens_per_minute,
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
        "replaced_by": record.replaced_by,
        "rotated_from": record.rotated_from,
        "requests_per_minute": record.requests_per_minute,
        "tokens_per_minute": record.tokens_per_minute,
    }


def _list(args: argparse.Namespace) -> int:
    records = _store().list()
    if args.json:
        print(json.dumps([_describe(record) for record in records], indent=2))
        return 0
    now = dt.datetime.now(dt.UTC)
    for record in records:
        workloads = ",".join(record.workloads)
        print(f"{record.id}  {record.name}  workloads={workloads}  {_state(record, now)}")
    return 0


def _state(record: ApiKeyRecord, now: dt.datetime) -> str:
    revoked_at = _utc(record.revoked_at)
    expires_at = _utc(record.expires_at)
    if revoked_at is not None and revoked_at <= now:
        return "revoked"
    if expires_at is not None and expires_at <= now:
        return "expired"
    if revoked_at is not None:
        return f"rotated, valid until {revoked_at.isoformat(timespec='minutes')}"
    return "active"


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes; every stored time is UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def _rotate(args: argparse.Namespace) -> int:
    if args.grace_hours < 0:
        print("--grace-hours cannot be negative")
        return 2
    issued = _store().rotate(args.key_id, dt.timedelta(hours=args.grace_hours))
    if issued is None:
        print(f"no active key {args.key_id}")
        return 1
    print(issued.secret)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    if not _store().revoke(args.key_id):
        print(f"no key {args.key_id}")
        return 1
    print(f"revoked {args.key_id}")
    return 0
