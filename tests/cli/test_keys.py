"""`sovereign-router keys`: create with scope and limits, rotate with a grace period, revoke."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from router.cli import main
from router.identity.api_keys import ApiKeyStore, split_key
from router.settings import Settings
from router.storage.db import Database


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ApiKeyStore:
    monkeypatch.setenv("SOVEREIGN_ROUTER_DATA_DIR", str(tmp_path))
    database = Database(Settings().resolved_database_url)
    database.migrate()
    return ApiKeyStore(database, cache_seconds=0)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["keys", *argv])
    return code, capsys.readouterr().out.strip()


def test_create_rotate_list_revoke(store: ApiKeyStore, capsys: pytest.CaptureFixture[str]) -> None:
    code, secret = _run(
        capsys,
        "create",
        "--name=discharge",
        "--workload=clinical",
        "--team=cardiology",
        "--environment=production",
        "--requests-per-minute=30",
    )
    assert code == 0
    parts = split_key(secret)
    assert parts is not None
    old_id = parts[0]
    assert store.authenticate(secret).requests_per_minute == 30

    code, new_secret = _run(capsys, "rotate", old_id, "--grace-hours=2")
    assert code == 0
    new = store.authenticate(new_secret)
    assert (new.team, new.environment, new.workloads) == (
        "cardiology",
        "production",
        frozenset({"clinical"}),
    )
    assert store.authenticate(secret).key_id == old_id  # still in its grace period

    _, listing = _run(capsys, "list")
    assert f"{old_id}  discharge  workloads=clinical  rotated, valid until" in listing
    _, as_json = _run(capsys, "list", "--json")
    rows = {row["id"]: row for row in json.loads(as_json)}
    assert rows[old_id]["replaced_by"] == new.key_id
    assert rows[str(new.key_id)]["rotated_from"] == old_id

    assert _run(capsys, "rotate", old_id) == (1, f"no active key {old_id}")
    assert _run(capsys, "revoke", old_id) == (0, f"revoked {old_id}")
    _, listing = _run(capsys, "list")
    assert f"{old_id}  discharge  workloads=clinical  revoked" in listing
