"""`sovereign-router audit ...` on the same settings as `serve` (data dir, database URL)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from router.audit.config import AuditSettings
from router.audit.keyring import load_key_ring
from router.cli import main
from router.storage.db import Database
from tests.audit.records import closing, dev_ring, opening, trail


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'router.db'}"
    monkeypatch.setenv("SOVEREIGN_ROUTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOVEREIGN_ROUTER_DATABASE_URL", url)
    database = Database(url)
    database.migrate()
    yield database
    database.dispose()


async def _records(database: Database, data_dir: Path) -> None:
    chained = trail(database, dev_ring(data_dir))
    for request_id, workload, route in (
        ("req-a", "clinical", "local"),
        ("req-b", "general", "claude"),
        ("req-c", "general", "local"),
    ):
        await chained.open(
            opening(request_id, workload=workload, route=route, body=b"my-prompt-text")
        )
        await chained.close(request_id, closing(body=b"answer", route=route))
    await chained.aclose()


async def test_verify_passes_then_names_the_tampered_entry(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await _records(database, tmp_path)
    assert main(["audit", "verify"]) == 0
    assert "ok: 6 entries" in capsys.readouterr().out
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    assert main(["audit", "verify"]) == 1
    assert "deleted: seq 4 (request req-b)" in capsys.readouterr().out


async def test_show_decrypts_the_bodies_and_search_filters_metadata(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await _records(database, tmp_path)
    assert main(["audit", "show", "req-b"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(entry["kind"], entry["body"]) for entry in shown] == [
        ("open", "my-prompt-text"),
        ("close", "answer"),
    ]
    assert main(["audit", "search", "--workload", "general", "--route", "local"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["request_id"] for line in lines] == ["req-c"]
    assert "my-prompt-text" not in json.dumps(lines)
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()
    assert main(["audit", "search", "--since", tomorrow]) == 0
    assert capsys.readouterr().out == ""
    assert main(["audit", "show", "req-unknown"]) == 1


async def test_rotate_key_keeps_old_records_readable_and_rewraps_them(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await _records(database, tmp_path)
    old_id = dev_ring(tmp_path).active_id
    assert main(["audit", "rotate-key", "--rewrap"]) == 0
    output = capsys.readouterr().out
    ring = load_key_ring(AuditSettings(), tmp_path, "development")
    assert ring.active_id != old_id and ring.active_id in output
    assert "re-wrapped 6 data keys" in output
    chained = trail(database, ring)
    await chained.open(opening("req-new"))
    await chained.aclose()
    with database.engine.connect() as connection:
        wrap_ids = set(connection.execute(text("SELECT wrap_key_id FROM audit_events")).scalars())
    assert wrap_ids == {ring.active_id}
    assert main(["audit", "show", "req-a"]) == 0
    assert '"body": "my-prompt-text"' in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0


async def test_purge_honours_retention(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await _records(database, tmp_path)
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()
    assert main(["audit", "purge", "--before", tomorrow]) == 2
    assert "inside their retention period" in capsys.readouterr().err
    assert main(["audit", "purge", "--before", tomorrow, "--force", "--drop-metadata"]) == 0
    assert "deleted 6 entries" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0


def test_production_without_a_key_is_refused_by_every_command(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOVEREIGN_ROUTER_ENVIRONMENT", "production")
    assert main(["audit", "verify"]) == 2
    assert "production needs an audit key" in capsys.readouterr().err
