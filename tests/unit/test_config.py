"""Configuration: file, environment overrides, root resolution and one-line errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from gesso.config import ConfigError, load_settings, resolve_root


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The environment is an input of the code under test: start every test from a clean one.
    import os

    for name in list(os.environ):
        if name.startswith("GESSO_"):
            monkeypatch.delenv(name)


def write_config(root: Path, text: str) -> None:
    (root / "gesso.yaml").write_text(text, encoding="utf-8")


def test_no_config_file_gives_single_user_defaults(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GESSO_DATABASE_URL", raising=False)  # set by the PostgreSQL test pass
    settings = load_settings(root)
    assert settings.multiuser is False
    assert settings.strict_password_checking is False
    assert settings.session_queue_mode == "round_robin"
    assert (settings.host, settings.port) == ("127.0.0.1", 9090)
    assert settings.base_url is None
    assert settings.allow_origins == []
    assert settings.max_queue_size == 10000
    assert settings.allow_private_download_urls is False
    assert settings.resolved_database_url == f"sqlite:///{root / 'databases' / 'gesso.db'}"
    assert settings.resolved_outputs_dir == root / "outputs"
    assert settings.resolved_models_dir == root / "models"


def test_file_values_are_used(root: Path) -> None:
    write_config(root, "multiuser: true\nport: 9999\nsession_queue_mode: fifo\noutputs_dir: pics\n")
    settings = load_settings(root)
    assert settings.multiuser is True
    assert settings.port == 9999
    assert settings.session_queue_mode == "FIFO"
    assert settings.resolved_outputs_dir == root / "pics"


def test_environment_overrides_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(root, "multiuser: false\nport: 9999\n")
    monkeypatch.setenv("GESSO_MULTIUSER", "true")
    monkeypatch.setenv("GESSO_PORT", "8081")
    monkeypatch.setenv("GESSO_ALLOW_ORIGINS", "http://a.example, http://b.example")
    settings = load_settings(root)
    assert settings.multiuser is True
    assert settings.port == 8081
    assert settings.allow_origins == ["http://a.example", "http://b.example"]


def test_root_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GESSO_ROOT", str(tmp_path / "from-env"))
    assert resolve_root(tmp_path / "from-cli") == (tmp_path / "from-cli").resolve()
    assert resolve_root(None) == (tmp_path / "from-env").resolve()
    monkeypatch.delenv("GESSO_ROOT")
    assert resolve_root(None) == (Path.home() / "gesso").resolve()


def test_invalid_value_names_key_and_file(root: Path) -> None:
    write_config(root, "port: not-a-number\n")
    with pytest.raises(ConfigError) as excinfo:
        load_settings(root)
    message = str(excinfo.value)
    assert "'port'" in message and str(root / "gesso.yaml") in message
    assert "\n" not in message


def test_invalid_env_value_names_the_variable(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GESSO_SESSION_QUEUE_MODE", "lottery")
    with pytest.raises(ConfigError, match="GESSO_SESSION_QUEUE_MODE"):
        load_settings(root)


def test_unparsable_yaml_names_the_file(root: Path) -> None:
    write_config(root, "multiuser: [true\n")
    with pytest.raises(ConfigError) as excinfo:
        load_settings(root)
    assert str(root / "gesso.yaml") in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_non_mapping_yaml_is_refused(root: Path) -> None:
    write_config(root, "- just\n- a list\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(root)


def test_unknown_key_is_a_warning_not_an_error(root: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_config(root, "multiuser: true\nmultiusr: true\n")
    with caplog.at_level(logging.WARNING):
        settings = load_settings(root)
    assert settings.multiuser is True
    assert any("multiusr" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(("raw", "expected"), [("/gesso/", "/gesso"), ("studio", "/studio"), ("/", None)])
def test_base_url_is_normalised(root: Path, raw: str, expected: str | None) -> None:
    write_config(root, f"base_url: '{raw}'\n")
    assert load_settings(root).base_url == expected


def test_base_url_with_traversal_is_refused(root: Path) -> None:
    write_config(root, "base_url: /a/../b\n")
    with pytest.raises(ConfigError, match="base_url"):
        load_settings(root)
