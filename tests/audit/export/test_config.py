"""The `siem` settings: strict models chosen by `kind`, from YAML-like data or the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from router.audit.export.config import (
    FileSinkSettings,
    HttpSinkSettings,
    StdoutSinkSettings,
    SyslogSinkSettings,
)
from router.settings import Settings


def test_each_kind_selects_its_model(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        siem=[
            {"kind": "file", "path": str(tmp_path / "audit.jsonl")},
            {"kind": "stdout"},
            {"kind": "syslog", "host": "siem.example", "transport": "udp"},
            {
                "kind": "http",
                "url": "https://hec:8088/services/collector/event",
                "format": "splunk_hec",
                "token": "t0k",
            },
        ],
    )
    kinds = [type(sink) for sink in settings.siem]
    assert kinds == [FileSinkSettings, StdoutSinkSettings, SyslogSinkSettings, HttpSinkSettings]
    assert [sink.label for sink in settings.siem] == ["file", "stdout", "syslog", "http"]
    assert "t0k" not in repr(settings.siem[3])


def test_no_sinks_by_default(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).siem == ()


@pytest.mark.parametrize(
    ("sink", "complaint"),
    [
        ({"kind": "kafka", "host": "x"}, "kind"),
        ({"kind": "syslog", "host": "x", "colour": "red"}, "colour"),
        ({"kind": "syslog"}, "host"),
        ({"kind": "syslog", "host": "x", "transport": "tcp", "ca_file": "/ca.pem"}, "tls"),
        ({"kind": "syslog", "host": "x", "transport": "tls", "cert_file": "/c.pem"}, "key_file"),
        ({"kind": "syslog", "host": "x", "facility": 24}, "facility"),
        ({"kind": "http", "url": "https://hec/", "format": "splunk_hec"}, "token"),
        ({"kind": "http", "url": "ftp://hec/"}, "url"),
        ({"kind": "file", "path": "/a", "queue_size": 0}, "queue_size"),
        ({"kind": "file", "path": "/a", "name": "has space"}, "name"),
    ],
)
def test_invalid_sinks_are_refused(tmp_path: Path, sink: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        Settings(data_dir=tmp_path, siem=[sink])


def test_two_sinks_of_a_kind_need_names(tmp_path: Path) -> None:
    two = [{"kind": "syslog", "host": "a"}, {"kind": "syslog", "host": "b"}]
    with pytest.raises(ValidationError, match="unique"):
        Settings(data_dir=tmp_path, siem=two)
    named = [{**two[0], "name": "primary"}, {**two[1], "name": "secondary"}]
    assert [s.label for s in Settings(data_dir=tmp_path, siem=named).siem] == [
        "primary",
        "secondary",
    ]


def test_sinks_come_from_the_environment_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "SOVEREIGN_ROUTER_SIEM", '[{"kind": "syslog", "host": "siem", "transport": "udp"}]'
    )
    (sink,) = Settings(data_dir=tmp_path).siem
    assert isinstance(sink, SyslogSinkSettings)
    assert (sink.host, sink.transport, sink.port) == ("siem", "udp", 514)


def test_settings_are_frozen(tmp_path: Path) -> None:
    sink = FileSinkSettings(path=tmp_path / "a")
    with pytest.raises(ValidationError):
        sink.max_bytes = 1  # type: ignore[misc]


def test_sinks_come_from_the_yaml_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "router.yaml"
    config.write_text(
        "siem:\n"
        "  - kind: http\n"
        "    format: splunk_hec\n"
        "    url: https://splunk.example:8088/services/collector/event\n"
        "    token: abc\n"
        "  - kind: file\n"
        "    path: /var/log/sovereign-router/audit.jsonl\n"
        "    max_bytes: 1048576\n"
    )
    monkeypatch.setenv("SOVEREIGN_ROUTER_CONFIG_FILE", str(config))
    hec, file = Settings(data_dir=tmp_path).siem
    assert isinstance(hec, HttpSinkSettings) and hec.token is not None
    assert hec.token.get_secret_value() == "abc"
    assert isinstance(file, FileSinkSettings) and file.max_bytes == 1048576
