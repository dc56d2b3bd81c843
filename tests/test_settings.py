"""The settings table: environment parsing, and docs/operations.md kept in step with the code."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT
from uasa.core.settings import SETTINGS, Settings, SettingsError, load, markdown_table


def test_readme_settings_table_matches_the_code() -> None:
    readme = (ROOT / "docs" / "operations.md").read_text("utf-8")
    start, end = "<!-- settings:start -->\n", "\n<!-- settings:end -->"
    assert start in readme and end in readme
    table = readme.split(start, 1)[1].split(end, 1)[0]
    assert table == markdown_table()


def test_every_setting_has_help_and_a_typed_default() -> None:
    for setting in SETTINGS:
        assert setting.help.strip()
        assert setting.env == "UASA_" + setting.name.upper()
        assert setting.parse(str(setting.default).lower()) == setting.default


def test_environment_overrides_defaults() -> None:
    settings = load(
        {"UASA_PORT": "9001", "UASA_UNION_DEFAULT_GRAPH": "off", "UASA_QUERY_TIMEOUT": "2.5"}
    )
    assert settings.port == 9001
    assert settings.union_default_graph is False
    assert settings.query_timeout == 2.5
    assert settings.host == "127.0.0.1"


def test_bad_values_name_the_variable() -> None:
    with pytest.raises(SettingsError, match="UASA_PORT"):
        load({"UASA_PORT": "eighty"})
    with pytest.raises(SettingsError, match="UASA_UNION_DEFAULT_GRAPH"):
        load({"UASA_UNION_DEFAULT_GRAPH": "maybe"})


def test_the_typed_fields_are_the_table() -> None:
    """One source of names: the frozen dataclass declares exactly the table's settings."""
    assert [f.name for f in dataclasses.fields(Settings)] == [s.name for s in SETTINGS]
    defaults = Settings.of()
    for s in SETTINGS:
        assert getattr(defaults, s.name) == s.default
    with pytest.raises(dataclasses.FrozenInstanceError):
        defaults.port = 1  # type: ignore[misc]


def test_cli_names_a_bad_variable_in_one_line_and_exits_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "uasa.cli", "serve"],
        env={**os.environ, "UASA_PORT": "eighty"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "uasa serve: error: UASA_PORT: invalid literal for int() with base 10: 'eighty'"
    ]


def test_unknown_override_is_an_error() -> None:
    with pytest.raises(KeyError):
        Settings.of(no_such_setting=1)
