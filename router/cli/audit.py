"""`sovereign-router audit`: verify the chain, rotate keys, show, search and purge records.

Every command reads the same settings as `serve` (data dir, database URL, audit keys).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from collections.abc import Callable

from router.audit.keyring import AuditKeyError, KeyRing, load_key_ring
from router.audit.purge import PurgeRefused, purge
from router.audit.reader import SearchFilters, search_records, show_record
from router.audit.rotation import rewrap_all, rotate_key
from router.audit.verify import verify_chain
from router.settings import Settings
from router.storage.db import Database


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser("audit", help="Verify, read and maintain the audit trail.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    verify = actions.add_parser("verify", help="Check the hash chain; exit 1 on tampering.")
    verify.set_defaults(handler=_guarded(_verify))

    rotate = actions.add_parser("rotate-key", help="Make a new key active for new records.")
    rotate.add_argument(
        "--rewrap", action="store_true", help="Also re-wrap old records' data keys under it."
    )
    rotate.set_defaults(handler=_guarded(_rotate))

    show = actions.add_parser("show", help="One record with its decrypted bodies (audited).")
    show.add_argument("request_id")
    show.set_defaults(handler=_guarded(_show))

    search = actions.add_parser("search", help="Metadata of records as JSON lines.")
    search.add_argument("--since", type=_moment, help="ISO date or time (UTC if no zone).")
    search.add_argument("--until", type=_moment)
    for name in ("workload", "principal", "route", "outcome", "tier"):
        search.add_argument(f"--{name}")
    search.add_argument("--limit", type=int, default=1000)
    search.set_defaults(handler=_guarded(_search))

    purge_parser = actions.add_parser("purge", help="Shred bodies recorded before a date.")
    purge_parser.add_argument("--before", type=_moment, required=True)
    purge_parser.add_argument(
        "--drop-metadata",
        action="store_true",
        help="Delete the entries too, leaving a signed checkpoint for verify.",
    )
    purge_parser.add_argument(
        "--force", action="store_true", help="Purge even inside the retention period."
    )
    purge_parser.set_defaults(handler=_guarded(_purge))


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except AuditKeyError as error:
            print(f"audit keys: {error}", file=sys.stderr)
            return 2

    return run


def _open(settings: Settings) -> tuple[Database, KeyRing]:
    database = Database(settings.resolved_database_url)
    database.migrate()
    return database, load_key_ring(settings.audit, settings.data_dir, settings.environment)


def _verify(_args: argparse.Namespace) -> int:
    database, ring = _open(Settings())
    result = verify_chain(database, ring)
    if result.finding is not None:
        print(f"TAMPERED: {result.finding.describe()}")
        return 1
    print(f"ok: {result.entries} entries verified after seq {result.start_seq}")
    return 0


def _rotate(args: argparse.Namespace) -> int:
    settings = Settings()
    ring = rotate_key(settings.audit, settings.data_dir, settings.environment)
    print(f"new active key {ring.active_id}; restart the router to use it for new records")
    if settings.audit.active_key_id is not None:
        print(
            "note: SOVEREIGN_ROUTER_AUDIT__ACTIVE_KEY_ID is set and overrides the key ring; "
            f"set it to {ring.active_id}",
            file=sys.stderr,
        )
    if args.rewrap:
        database = Database(settings.resolved_database_url)
        database.migrate()
        print(f"re-wrapped {rewrap_all(database, ring)} data keys")
    return 0


def _show(args: argparse.Namespace) -> int:
    database, ring = _open(Settings())
    entries = show_record(database, ring, args.request_id, reader=getpass.getuser())
    if not entries:
        print(f"no record {args.request_id}", file=sys.stderr)
        return 1
    print(json.dumps(entries, indent=2, ensure_ascii=False))
    return 0


def _search(args: argparse.Namespace) -> int:
    settings = Settings()
    database = Database(settings.resolved_database_url)
    database.migrate()
    filters = SearchFilters(
        since=args.since,
        until=args.until,
        workload=args.workload,
        principal=args.principal,
        route=args.route,
        outcome=args.outcome,
        tier=args.tier,
        limit=args.limit,
    )
    for record in search_records(database, filters):
        print(json.dumps(record, ensure_ascii=False))
    return 0


def _purge(args: argparse.Namespace) -> int:
    settings = Settings()
    database, ring = _open(settings)
    try:
        result = purge(
            database,
            ring,
            settings.audit,
            args.before,
            force=args.force,
            drop_metadata=args.drop_metadata,
        )
    except PurgeRefused as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    print(f"shredded {result.shredded} bodies; deleted {result.deleted} entries")
    if result.checkpoint_seq is not None:
        print(f"checkpoint at seq {result.checkpoint_seq}")
    return 0


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
