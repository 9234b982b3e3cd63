"""The dashboard in a real browser: Debian's Chromium driven by Playwright, signing in through
the real OpenID provider, reading charts drawn from routed requests, and opening bodies only as
an auditor. Leaves a screenshot in `test-artifacts/governance.png`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import text

from tests.governance.environment import ACCOUNTS, PLAIN_NOTE, DashboardEnvironment

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def sign_in(page: Page, dashboard: DashboardEnvironment, login: str) -> None:
    """Through the IdP's own sign-in and consent pages, as a person would."""
    page.goto(f"{dashboard.url}/governance")
    page.fill("#login", login)
    page.fill("#password", ACCOUNTS[login]["password"])
    page.click("#submit")
    page.wait_for_selector("#submit")  # the consent page
    page.click("#submit")
    page.wait_for_url(f"{dashboard.url}/governance")


def routed_request_id(dashboard: DashboardEnvironment) -> str:
    with dashboard.services.database.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT request_id FROM audit_records WHERE outcome = 'route' "
                "AND effective_tier = 'non_phi' ORDER BY received_at LIMIT 1"
            )
        ).one()
    return str(row.request_id)


def reads_of(dashboard: DashboardEnvironment, request_id: str) -> list[str]:
    with dashboard.services.database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT payload FROM audit_events WHERE request_id = :id AND kind = 'read'"),
            {"id": request_id},
        ).all()
    return [str(row.payload) for row in rows]


def test_governance_user_sees_charts_of_real_traffic(
    browser: Browser, dashboard: DashboardEnvironment
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sign_in(page, dashboard, "grace")
    assert page.text_content("#signed-in-as") == "Grace Governance (governance)"
    assert page.locator("svg.chart").count() == 6
    tiers = page.locator("#chart-tiers rect.bar")
    counts = {
        tiers.nth(i).get_attribute("data-series"): tiers.nth(i).get_attribute("data-count")
        for i in range(tiers.count())
    }
    assert counts == {"non_phi": "3", "phi_heavy": "1"}
    workload = page.locator('#chart-workloads rect.bar[data-label="general"]')
    assert workload.get_attribute("data-count") == "4"
    box = workload.bounding_box()
    assert box is not None and box["width"] > 100  # drawn, not just present in the markup
    assert (
        page.locator('#chart-entities rect.bar[data-label="MRN"]').get_attribute("data-count")
        == "1"
    )
    assert page.locator("#chart-tiers title").first.text_content() == "Requests by data tier"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "governance.png"), full_page=True)
    assert (ARTIFACTS / "governance.png").stat().st_size > 10_000

    request_id = routed_request_id(dashboard)
    reads_before = reads_of(dashboard, request_id)
    page.goto(f"{dashboard.url}/governance/audit")
    assert page.locator(f'tr[data-request-id="{request_id}"]').count() == 1
    assert page.locator("form[action$='/bodies']").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(
        f"{dashboard.url}/governance/audit/{request_id}/bodies", form={"csrf_token": token or ""}
    )
    assert refused.status == 403
    assert PLAIN_NOTE not in refused.text()
    assert reads_of(dashboard, request_id) == reads_before
    context.close()


def test_an_auditor_opens_a_body_and_the_view_is_recorded(
    browser: Browser, dashboard: DashboardEnvironment
) -> None:
    request_id = routed_request_id(dashboard)
    before = len(reads_of(dashboard, request_id))
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, dashboard, "audrey")
    page.goto(f"{dashboard.url}/governance/audit")
    page.click(f'tr[data-request-id="{request_id}"] button')
    page.wait_for_selector("#read-recorded")
    assert PLAIN_NOTE in (page.text_content("pre.body") or "")
    reads = reads_of(dashboard, request_id)
    assert len(reads) == before + 1
    assert "governance-dashboard:audrey" in reads[-1]
    context.close()
