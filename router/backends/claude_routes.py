"""Where and as whom a Claude route calls its vendor, from the route and the environment.

Credentials never come from the policy file. Per kind:
- `anthropic`: `ANTHROPIC_API_KEY`, or a mounted file named by `ANTHROPIC_API_KEY_FILE`;
  `endpoints[0]`, when set, replaces `https://api.anthropic.com` (a proxy or gateway).
- `bedrock`: the AWS credential chain as boto3 resolves it (environment, shared files,
  web identity / IRSA, instance role); region from the route, else `AWS_REGION` /
  `AWS_DEFAULT_REGION`; `endpoints[0]`, when set, is the bedrock-runtime VPC endpoint URL.
- `vertex_ai`: project from `VERTEXAI_PROJECT` or `GOOGLE_CLOUD_PROJECT`, location from the
  route (else `VERTEXAI_LOCATION`), credentials from the file `GOOGLE_APPLICATION_CREDENTIALS`
  (else Google's default credentials); needs the `google-auth` package.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from router.policy.model import Route, RouteKind


@dataclass(frozen=True)
class RouteCall:
    """litellm keyword arguments for one route, or why the route cannot be called."""

    params: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # names the missing setting, never a secret's value


def route_call(route: Route, environ: Mapping[str, str]) -> RouteCall:
    if route.kind is RouteKind.ANTHROPIC:
        return _anthropic(route, environ)
    if route.kind is RouteKind.BEDROCK:
        return _bedrock(route, environ)
    if route.kind is RouteKind.VERTEX_AI:
        return _vertex(route, environ)
    return RouteCall(problem=f"kind {route.kind} is not a Claude route")


def _anthropic(route: Route, environ: Mapping[str, str]) -> RouteCall:
    key = environ.get("ANTHROPIC_API_KEY") or _read_file(environ.get("ANTHROPIC_API_KEY_FILE"))
    if not key:
        return RouteCall(problem="ANTHROPIC_API_KEY (or ANTHROPIC_API_KEY_FILE) is not set")
    params: dict[str, Any] = {"model": route.model, "api_key": key}
    if route.endpoints:
        params["api_base"] = route.endpoints[0]
    return RouteCall(params)


def _bedrock(route: Route, environ: Mapping[str, str]) -> RouteCall:
    region = route.region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if not region:
        return RouteCall(problem="no region: set the route's region or AWS_REGION")
    params: dict[str, Any] = {"model": route.model, "aws_region_name": region}
    if route.endpoints:
        params["aws_bedrock_runtime_endpoint"] = route.endpoints[0]
    return RouteCall(params)


def _vertex(route: Route, environ: Mapping[str, str]) -> RouteCall:
    if importlib.util.find_spec("google.auth") is None:
        return RouteCall(problem="the google-auth package is not installed")
    project = environ.get("VERTEXAI_PROJECT") or environ.get("GOOGLE_CLOUD_PROJECT")
    location = route.region or environ.get("VERTEXAI_LOCATION")
    if not project or not location:
        return RouteCall(problem="set VERTEXAI_PROJECT and the route's region")
    params: dict[str, Any] = {
        "model": route.model,
        "vertex_project": project,
        "vertex_location": location,
    }
    credentials = environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if credentials:
        params["vertex_credentials"] = credentials
    if route.endpoints:
        params["api_base"] = route.endpoints[0]
    return RouteCall(params)


def _read_file(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
