"""The dashboard sign-in, end to end over HTTP through the real OpenID provider."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
from sqlalchemy import text

from router.app import create_app
from router.phi import Classifier
from router.settings import Settings
from tests.governance.environment import (
    CLIENT_ID,
    PHI_NOTE,
    PLAIN_NOTE,
    DashboardEnvironment,
    governance_settings,
)
from tests.support.servers import serve_in_thread

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: httpx.Client) -> str:
    match = CSRF.search(client.get("/governance/audit").text)
    assert match is not None
    return match.group(1)


def a_request_id(environment: DashboardEnvironment) -> str:
    with environment.services.database.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT request_id FROM audit_records WHERE outcome = 'route' "
                "ORDER BY received_at LIMIT 1"
            )
        ).one()
    return str(row.request_id)


def reads_of(environment: DashboardEnvironment, request_id: str) -> list[dict[str, str]]:
    with environment.services.database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT payload FROM audit_events WHERE request_id = :id AND kind = 'read'"),
            {"id": request_id},
        ).all()
    return [json.loads(row.payload) for row in rows]


def assert_secure_headers(response: httpx.Response) -> None:
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no external origin at all
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_send_strangers_to_sign_in(dashboard: DashboardEnvironment) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        for path in ("/governance", "/governance/audit"):
            response = client.get(path)
            assert response.status_code == 303
            assert response.headers["location"] == "/governance/login"
            assert_secure_headers(response)
        posted = client.post("/governance/audit/x/bodies", data={"csrf_token": "x"})
        assert posted.status_code == 303


def test_sign_in_uses_pkce_state_and_nonce(dashboard: DashboardEnvironment) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        response = client.get("/governance/login")
    assert response.status_code == 303
    sent = urlparse(response.headers["location"])
    assert sent.geturl().startswith(dashboard.provider.issuer)
    query = {name: values[0] for name, values in parse_qs(sent.query).items()}
    assert query["client_id"] == CLIENT_ID
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"] == dashboard.callback
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("sr-governance-login=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


def test_a_governance_user_signs_in_and_sees_charts_of_the_routed_requests(
    dashboard: DashboardEnvironment,
) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        response = dashboard.start_sign_in(client, "grace")
        arrived = client.get(response.headers["location"])
        page = client.get("/governance")
    assert arrived.status_code == 303 and arrived.headers["location"] == "/governance"
    cookies = arrived.headers.get_list("set-cookie")
    assert any(cookie.startswith('sr-governance-login="";') for cookie in cookies)  # used up
    (session_cookie,) = [c for c in cookies if c.startswith("sr-governance=")]
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    assert page.status_code == 200
    assert_secure_headers(page)
    assert "strict-transport-security" not in page.headers  # plain HTTP in this test
    assert page.text.count("<svg") == 6
    marks = re.findall(r'data-series="(\w+)" data-label="[^"]+" data-count="([1-9]\d*)"', page.text)
    assert sorted(marks) == [("non_phi", "3"), ("ok", "3"), ("phi_heavy", "1")]
    assert 'data-label="general" data-count="4"' in page.text  # the workload chart
    assert 'data-label="MRN" data-count="1"' in page.text  # PHI entity types
    assert 'data-label="invalid: model.unknown" data-count="1"' in page.text
    assert "Grace Governance (governance)" in page.text


def test_someone_without_a_dashboard_role_is_refused(dashboard: DashboardEnvironment) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        response = dashboard.start_sign_in(client, "bob")
        refused = client.get(response.headers["location"])
        assert refused.status_code == 403
        assert_secure_headers(refused)
        assert not any(
            cookie.startswith("sr-governance=") for cookie in refused.headers.get_list("set-cookie")
        )
        assert client.get("/governance").status_code == 303


def test_a_forged_state_is_refused(dashboard: DashboardEnvironment) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        response = dashboard.start_sign_in(client, "grace")
        callback = urlparse(response.headers["location"])
        forged = callback._replace(query=callback.query.replace("state=", "state=x")).geturl()
        refused = client.get(forged)
        assert refused.status_code == 401
        assert client.get("/governance").status_code == 303


def test_the_audit_search_shows_metadata_but_no_bodies(dashboard: DashboardEnvironment) -> None:
    with dashboard.signed_in("grace") as client:
        page = client.get("/governance/audit", params={"workload": "general", "outcome": "route"})
        assert page.status_code == 200
        assert page.text.count("<tr data-request-id=") == 3
        assert PLAIN_NOTE not in page.text and "John" not in page.text
        assert "/bodies" not in page.text  # no button for a non-auditor
        assert client.get("/governance/audit", params={"since": "soon"}).status_code == 400


def test_a_governance_user_cannot_open_bodies(dashboard: DashboardEnvironment) -> None:
    request_id = a_request_id(dashboard)
    before = reads_of(dashboard, request_id)
    with dashboard.signed_in("grace") as client:
        response = client.post(
            f"/governance/audit/{request_id}/bodies", data={"csrf_token": csrf_of(client)}
        )
    assert response.status_code == 403
    assert_secure_headers(response)
    assert PLAIN_NOTE not in response.text
    assert reads_of(dashboard, request_id) == before


def test_an_auditor_opens_bodies_and_the_read_is_chained(dashboard: DashboardEnvironment) -> None:
    request_id = a_request_id(dashboard)
    before = len(reads_of(dashboard, request_id))
    with dashboard.signed_in("audrey") as client:
        search = client.get("/governance/audit")
        assert f"/governance/audit/{request_id}/bodies" in search.text
        opened = client.post(
            f"/governance/audit/{request_id}/bodies", data={"csrf_token": csrf_of(client)}
        )
    assert opened.status_code == 200
    assert_secure_headers(opened)
    assert PLAIN_NOTE in opened.text
    reads = reads_of(dashboard, request_id)
    assert len(reads) == before + 1
    assert reads[-1]["reader"] == "governance-dashboard:audrey"


def test_forms_without_the_csrf_token_are_refused(dashboard: DashboardEnvironment) -> None:
    request_id = a_request_id(dashboard)
    before = len(reads_of(dashboard, request_id))
    with dashboard.signed_in("audrey") as client:
        for form in ({}, {"csrf_token": "forged"}):
            response = client.post(f"/governance/audit/{request_id}/bodies", data=form)
            assert response.status_code == 403
        assert client.post("/governance/logout", data={}).status_code == 403
    assert len(reads_of(dashboard, request_id)) == before


def test_bodies_of_an_unknown_record_are_not_found(dashboard: DashboardEnvironment) -> None:
    with dashboard.signed_in("audrey") as client:
        response = client.post(
            "/governance/audit/no-such-request/bodies", data={"csrf_token": csrf_of(client)}
        )
    assert response.status_code == 404


def test_sign_out_ends_the_session(dashboard: DashboardEnvironment) -> None:
    with dashboard.signed_in("grace") as client:
        token = csrf_of(client)
        response = client.post("/governance/logout", data={"csrf_token": token})
        assert response.status_code == 200
        assert any(
            c.startswith('sr-governance="";') for c in response.headers.get_list("set-cookie")
        )
        assert client.get("/governance").status_code == 303


def test_phi_is_never_on_the_dashboard(dashboard: DashboardEnvironment) -> None:
    with dashboard.signed_in("audrey") as client:
        pages = client.get("/governance").text + client.get("/governance/audit").text
    assert "John" not in pages and "1234567" not in pages and PHI_NOTE not in pages


def test_secure_mode_uses_host_cookies_and_hsts(
    dashboard: DashboardEnvironment, tmp_path: Path, classifier: Classifier
) -> None:
    settings = governance_settings(
        dashboard.provider,
        tmp_path / "data",
        policy_dir=dashboard.services.settings.policy_dir,
        governance={"cookie_secure": True, "public_url": "https://router.hospital.test"},
    )
    with serve_in_thread(create_app(settings, classifier=classifier)) as url:
        response = httpx.get(f"{url}/governance/login")
    assert response.status_code == 303
    assert (
        "redirect_uri=https%3A%2F%2Frouter.hospital.test%2Fgovernance%2Fcallback"
        in (response.headers["location"])
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-sr-governance-login=") and "Secure" in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_no_dashboard_without_a_login_client(
    dashboard: DashboardEnvironment, tmp_path: Path, classifier: Classifier
) -> None:
    policy = dashboard.services.settings.policy_dir
    app = create_app(Settings(data_dir=tmp_path / "data", policy_dir=policy), classifier=classifier)
    with serve_in_thread(app) as url:
        assert httpx.get(f"{url}/governance").status_code == 404
