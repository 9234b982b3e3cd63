"""`/governance`: the dashboard pages, the audit search and the audited body view.

Every page needs a session (else a redirect to sign-in) of someone with the governance or the
auditor role (else 403); bodies open only for auditors, by a POST carrying the session's CSRF
token, through the audit reader, which appends the read to the chain before decrypting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from jinja2 import Environment
from starlette.responses import FileResponse, RedirectResponse, Response

from router.audit.keyring import KeyRing
from router.audit.reader import show_record
from router.errors import AuthenticationFailed, InvalidRequest, PermissionDenied
from router.governance import forms
from router.governance.figures import collect
from router.governance.login import OidcLogin
from router.governance.queries import GovernanceQueries, Window
from router.governance.rendering import STYLESHEET, chart_markup, page, template_environment
from router.governance.sessions import DashboardSession, SessionCodec, csrf_matches
from router.governance.settings import GovernanceSettings
from router.policy.decision import Outcome
from router.policy.store import PolicyStore
from router.storage.db import Database

OUTCOMES = (*(outcome.value for outcome in Outcome), "unauthenticated")


@dataclass
class Dashboard:
    """What the pages need; built by `router.governance.build_dashboard`."""

    settings: GovernanceSettings
    codec: SessionCodec
    login: OidcLogin
    queries: GovernanceQueries
    policies: PolicyStore
    database: Database
    ring: KeyRing
    templates: Environment = field(default_factory=template_environment)


def current_session(dashboard: Dashboard, request: Request) -> DashboardSession:
    """The caller's session, refreshed; raises so the route class redirects to sign-in."""
    session = dashboard.codec.open_session(request.cookies.get(dashboard.codec.session_cookie))
    if session is None:
        raise AuthenticationFailed("Please sign in.", reason="no_session")
    request.state.governance_session = session
    return session


def checked_form(session: DashboardSession, form: dict[str, str]) -> None:
    if not csrf_matches(session, form.get("csrf_token")):
        raise PermissionDenied("The form has expired; reload the page.", code="csrf_failed")


def add_pages(router: APIRouter, dashboard: Dashboard) -> None:
    @router.get("/governance/static/dashboard.css", include_in_schema=False)
    async def stylesheet() -> Response:
        return FileResponse(STYLESHEET, media_type="text/css")

    @router.get("/governance", include_in_schema=False)
    async def overview(request: Request) -> Response:
        session = current_session(dashboard, request)
        days = forms.days_of(request.query_params.get("days"))
        loaded = dashboard.policies.current
        window = Window.last(days)
        figures = await asyncio.to_thread(
            collect, dashboard.queries, loaded, window, dt.datetime.now(dt.UTC).date()
        )
        return page(
            dashboard.templates,
            "overview.html",
            title="Overview",
            session=session,
            days=days,
            figures=figures,
            charts=chart_markup(figures),
        )

    @router.get("/governance/audit", include_in_schema=False)
    async def audit_search(request: Request) -> Response:
        session = current_session(dashboard, request)
        form = forms.search_form(request.query_params)
        filters = forms.filters_of(form, dashboard.settings.search_limit)
        rows = await asyncio.to_thread(dashboard.queries.search, filters)
        return page(
            dashboard.templates,
            "audit.html",
            title="Audit search",
            session=session,
            form=form,
            rows=rows,
            outcomes=OUTCOMES,
            limit=filters.limit,
        )

    @router.post("/governance/audit/{request_id}/bodies", include_in_schema=False)
    async def open_bodies(request: Request, request_id: str) -> Response:
        session = current_session(dashboard, request)
        checked_form(session, await forms.posted(request))
        if not session.auditor:
            raise PermissionDenied("Only auditors may open request bodies.", code="not_auditor")
        if len(request_id) > 64:
            raise InvalidRequest("Not a request id.")
        entries = await asyncio.to_thread(
            show_record,
            dashboard.database,
            dashboard.ring,
            request_id,
            f"governance-dashboard:{session.subject}",
        )
        if not entries:
            return page(
                dashboard.templates,
                "message.html",
                status_code=404,
                title="Not found",
                session=session,
                message="No audit record has this id.",
            )
        return page(
            dashboard.templates,
            "record.html",
            title=f"Record {request_id}",
            session=session,
            request_id=request_id,
            entries=entries,
        )

    @router.post("/governance/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        session = current_session(dashboard, request)
        checked_form(session, await forms.posted(request))
        request.state.governance_session = None
        response = page(
            dashboard.templates,
            "message.html",
            title="Signed out",
            session=None,
            message="You have signed out of the governance dashboard.",
            sign_in=True,
        )
        response.delete_cookie(
            dashboard.codec.session_cookie,
            path="/",
            secure=dashboard.settings.cookie_secure,
            httponly=True,
            samesite="lax",
        )
        return response

    @router.get("/governance/", include_in_schema=False)
    async def trailing_slash() -> Response:
        return RedirectResponse("/governance", status_code=303)
