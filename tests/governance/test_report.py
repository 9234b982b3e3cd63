"""`sovereign-router report`: HTML with the charts, and CSV sections, from the audit index."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from router.cli import main
from router.governance.report import csv_report, gather, html_report, parse_period
from router.settings import Settings
from tests.audit.records import dev_ring
from tests.conftest import DEFAULT_POLICY
from tests.governance.records import write_seeds
from tests.storage.databases import migrated, sqlite_url

NOW = dt.datetime(2026, 11, 12, tzinfo=dt.UTC)


@pytest.fixture
async def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    with migrated(sqlite_url(data)) as database:
        await write_seeds(database, dev_ring(data))
    return data


def test_periods_parse() -> None:
    assert parse_period("30d") == dt.timedelta(days=30)
    assert parse_period("12h") == dt.timedelta(hours=12)
    assert parse_period("2w") == dt.timedelta(days=14)
    for bad in ("", "30", "0d", "d", "3y", "99999w"):
        with pytest.raises(ValueError, match="period"):
            parse_period(bad)


def test_html_report_is_self_contained_with_charts(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, policy_dir=DEFAULT_POLICY)
    html = html_report(gather(settings, dt.timedelta(days=3), now=NOW))
    assert html.count("<svg") == 6
    assert 'data-series="phi_heavy"' in html
    assert 'data-label="NAME" data-count="4"' in html
    assert "<script" not in html and "<link" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_csv_report_has_one_table_per_section(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, policy_dir=DEFAULT_POLICY)
    rows = list(csv.reader(io.StringIO(csv_report(gather(settings, dt.timedelta(days=3), NOW)))))
    sections = {row[0][2:]: index for index, row in enumerate(rows) if row and row[0][:2] == "# "}
    assert list(sections) == [
        "summary",
        "requests_by_tier",
        "routed_by_route",
        "refusals_by_reason",
        "phi_entities_by_type",
        "workloads",
        "baa_status",
        "policy_warnings",
    ]
    entities = sections["phi_entities_by_type"]
    assert rows[entities + 1] == ["entity_type", "detected"]
    assert rows[entities + 2] == ["NAME", "4"]
    summary = dict(rows[sections["summary"] + 2 : sections["requests_by_tier"] - 1])
    assert (summary["requests"], summary["not_routed"]) == ("6", "2")


def test_the_command_writes_the_report(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVEREIGN_ROUTER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SOVEREIGN_ROUTER_POLICY_DIR", str(DEFAULT_POLICY))
    target = tmp_path / "report.html"
    assert main(["report", "--since", "3650d", "--format", "html", "--output", str(target)]) == 0
    assert 'data-label="NAME" data-count="11"' in target.read_text()  # ten years: all records
    assert main(["report", "--since", "forever"]) == 2


def test_the_command_prints_csv(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOVEREIGN_ROUTER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SOVEREIGN_ROUTER_POLICY_DIR", str(DEFAULT_POLICY))
    assert main(["report", "--since", "3650d", "--format", "csv"]) == 0
    assert "# workloads" in capsys.readouterr().out


def test_an_unmigrated_database_gives_an_empty_report(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "fresh", policy_dir=DEFAULT_POLICY)
    figures = gather(settings, dt.timedelta(days=30))
    assert figures.total_requests == 0
