"""HTML for the dashboard and the report: Jinja2 templates (autoescaped) and security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse, Response

from router.governance.figures import Figures, charts_of

_HERE = Path(__file__).resolve().parent
STYLESHEET = _HERE / "static" / "dashboard.css"

# Nothing but this origin: no CDN, fonts or scripts anywhere (the network may not reach them,
# and a dashboard of PHI metadata must not load code from elsewhere). No script at all.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def template_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def chart_markup(figures: Figures) -> dict[str, Markup]:
    """The charts, marked safe: `charts` escapes every text it puts into the SVG."""
    return {name: Markup(svg) for name, svg in charts_of(figures).items()}  # noqa: S704


def render(templates: Environment, name: str, **context: Any) -> str:
    return templates.get_template(name).render(**context)


def page(templates: Environment, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(templates, name, **context), status_code=status_code)


def secure_headers(response: Response, *, https: bool) -> Response:
    """Headers every dashboard response carries, whatever its status."""
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cache-Control"] = "no-store"
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
