"""The settings table: environment parsing, and docs/operations.md kept in step with the code."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from uasa.core.settings import SETTINGS, Settings, load, markdown_table


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
    with pytest.raises(SystemExit, match="UASA_PORT"):
        load({"UASA_PORT": "eighty"})
    with pytest.raises(SystemExit, match="UASA_UNION_DEFAULT_GRAPH"):
        load({"UASA_UNION_DEFAULT_GRAPH": "maybe"})


def test_unknown_override_is_an_error() -> None:
    with pytest.raises(KeyError):
        Settings.of(no_such_setting=1)
