"""The dashboard's router: sign-in routes, the pages, and what every response goes through.

`governance_router(services)` is included by `create_app` when `Settings.oidc` names the login
client. Its route class turns the router's errors into HTML pages (a missing session into a
redirect to sign-in), refreshes the session cookie and adds the security headers, so no
dashboard response leaves without them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute
from starlette.responses import RedirectResponse, Response

from router.audit.keyring import load_key_ring
from router.errors import AuthenticationFailed, PermissionDenied, RouterError
from router.governance.login import OidcLogin, dashboard_roles
from router.governance.pages import Dashboard, add_pages
from router.governance.queries import GovernanceQueries
from router.governance.rendering import page, secure_headers
from router.governance.sessions import SessionCodec, load_session_secret
from router.services import Services

log = logging.getLogger(__name__)

CALLBACK_PATH = "/governance/callback"
_TITLES = {401: "Sign-in failed", 403: "Not allowed", 404: "Not found"}


def build_dashboard(services: Services) -> Dashboard:
    """Raises `GovernanceConfigError` (production without a session secret)."""
    settings = services.settings
    governance = settings.governance
    secret = load_session_secret(governance, settings.data_dir, settings.environment)
    return Dashboard(
        settings=governance,
        codec=SessionCodec(secret, governance),
        login=OidcLogin(settings.oidc, governance, httpx.AsyncClient()),
        queries=GovernanceQueries(services.database),
        policies=services.policies,
        database=services.database,
        ring=load_key_ring(settings.audit, settings.data_dir, settings.environment),
    )


def governance_router(services: Services) -> APIRouter:
    dashboard = build_dashboard(services)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await dashboard.login.aclose()

    router = APIRouter(route_class=_route_class(dashboard), lifespan=lifespan)
    _add_sign_in(router, dashboard)
    add_pages(router, dashboard)
    return router


def _route_class(dashboard: Dashboard) -> type[APIRoute]:
    class DashboardRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                try:
                    response = await handler(request)
                except RouterError as error:
                    response = _error_response(dashboard, request, error)
                _refresh_session(dashboard, request, response)
                return secure_headers(response, https=dashboard.settings.cookie_secure)

            return guarded

    return DashboardRoute


def _error_response(dashboard: Dashboard, request: Request, error: RouterError) -> Response:
    if isinstance(error, AuthenticationFailed) and error.reason == "no_session":
        return RedirectResponse("/governance/login", status_code=303)
    if isinstance(error, AuthenticationFailed):
        log.info("governance sign-in refused (%s)", error.reason)
    if error.status_code >= 500:
        log.warning("governance dashboard: %s (%s)", error.code, type(error).__name__)
    session = getattr(request.state, "governance_session", None)
    return page(
        dashboard.templates,
        "message.html",
        status_code=error.status_code,
        title=_TITLES.get(error.status_code, "Something went wrong"),
        session=session,
        message=error.message,
        sign_in=isinstance(error, AuthenticationFailed),
    )


def _refresh_session(dashboard: Dashboard, request: Request, response: Response) -> None:
    """Re-seal the session with its new `seen_at`, which restarts the idle timeout."""
    session = getattr(request.state, "governance_session", None)
    if session is not None:
        _set_cookie(
            dashboard,
            response,
            dashboard.codec.session_cookie,
            dashboard.codec.seal_session(session),
            dashboard.settings.session_max_hours * 3600,
        )


def _set_cookie(
    dashboard: Dashboard, response: Response, name: str, value: str, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=dashboard.settings.cookie_secure,
        httponly=True,
        # Lax: sent on the IdP's redirect back (a top-level GET), never on cross-site POSTs.
        samesite="lax",
    )


def _redirect_uri(dashboard: Dashboard, request: Request) -> str:
    base = dashboard.settings.public_url or str(request.base_url)
    return base.rstrip("/") + CALLBACK_PATH


def _add_sign_in(router: APIRouter, dashboard: Dashboard) -> None:
    codec = dashboard.codec

    @router.get("/governance/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        state = codec.new_login()
        url = await dashboard.login.authorization_url(state, _redirect_uri(dashboard, request))
        response = RedirectResponse(url, status_code=303)
        _set_cookie(dashboard, response, codec.login_cookie, codec.seal_login(state), 600)
        return response

    @router.get(CALLBACK_PATH, include_in_schema=False)
    async def callback(request: Request) -> Response:
        state = codec.open_login(request.cookies.get(codec.login_cookie))
        params = request.query_params
        if state is None or params.get("state") != state.state:
            raise AuthenticationFailed("Sign-in expired; please try again.", reason="bad_state")
        code = params.get("code")
        if not code:
            raise AuthenticationFailed("The identity provider refused the sign-in.")
        principal = await dashboard.login.sign_in(code, state, _redirect_uri(dashboard, request))
        allowed, auditor = dashboard_roles(principal, dashboard.settings)
        if not allowed:
            raise PermissionDenied(
                "Your account has neither the governance nor the auditor role.",
                code="no_dashboard_role",
            )
        session = codec.new_session(principal.subject, principal.name, auditor=auditor)
        request.state.governance_session = session
        response = RedirectResponse("/governance", status_code=303)
        response.delete_cookie(
            codec.login_cookie, path="/", secure=dashboard.settings.cookie_secure, httponly=True
        )
        return response
