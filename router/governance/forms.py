"""Reading the dashboard's query strings and posted forms, strictly and with size limits.

Parsed here rather than by FastAPI parameters so that a bad value becomes the dashboard's own
400 page (with its security headers), not the API's JSON error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from urllib.parse import parse_qs

from starlette.requests import Request

from router.audit.reader import SearchFilters
from router.errors import InvalidRequest, PayloadTooLarge

DEFAULT_DAYS = 30
MAX_DAYS = 366
MAX_FORM_BYTES = 4096
MAX_FIELD_LENGTH = 200
SEARCH_FIELDS = ("since", "until", "workload", "principal", "route", "outcome")


def days_of(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_DAYS
    if not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
        raise InvalidRequest(f"days must be a whole number from 1 to {MAX_DAYS}.")
    return int(value)


def search_form(query: Mapping[str, str]) -> dict[str, str]:
    """The search fields as typed (for redisplay), each trimmed and bounded."""
    form = {name: (query.get(name) or "").strip() for name in SEARCH_FIELDS}
    if any(len(value) > MAX_FIELD_LENGTH for value in form.values()):
        raise InvalidRequest("A search field is too long.")
    return form


def filters_of(form: Mapping[str, str], limit: int) -> SearchFilters:
    until = _date(form["until"], "until")
    return SearchFilters(
        since=_date(form["since"], "since"),
        # `until` names a day and includes it: the search runs to the start of the next.
        until=None if until is None else until + dt.timedelta(days=1),
        workload=form["workload"] or None,
        principal=form["principal"] or None,
        route=form["route"] or None,
        outcome=form["outcome"] or None,
        limit=limit,
    )


async def posted(request: Request) -> dict[str, str]:
    """A small url-encoded form body, first value of each field."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise PayloadTooLarge("The form is too large.")
    try:
        fields = parse_qs(body.decode("ascii"), max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequest("The form could not be read.") from None
    return {name: values[0] for name, values in fields.items()}


def _date(value: str, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{name} must be a date (YYYY-MM-DD).") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
