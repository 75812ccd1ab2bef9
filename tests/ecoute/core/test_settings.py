"""The settings refuse what they cannot use, saying where: an unknown key (with the key it was
probably meant to be), a TOML syntax error (file and line), a time zone that does not exist."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ecoute.cli import app
from ecoute.core.settings import SettingsError, load_settings


def _config(tmp_path, text: str):  # noqa: ANN001, ANN202
    path = tmp_path / "ecoute.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_misspelt_key_is_refused_naming_file_and_closest_key(tmp_path):
    path = _config(tmp_path, "[metrics]\nrepeat_window_dayz = 3\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(config=path, environ={})
    assert str(caught.value) == (
        f"{path}: unknown setting [metrics] repeat_window_dayz; did you mean repeat_window_days?"
    )


def test_a_misspelt_section_and_an_environment_key_are_refused(tmp_path):
    with pytest.raises(SettingsError, match=r"unknown section \[metricz\]; did you mean metrics"):
        load_settings(config=_config(tmp_path, "[metricz]\nx = 1\n"), environ={})
    env = {"ECOUTE__REPORT__TREND_WEEKZ": "4"}
    with pytest.raises(SettingsError, match=r"environment.*\[report\] trend_weekz.*trend_weeks"):
        load_settings(environ=env)


def test_the_operators_own_names_are_not_settings(tmp_path):
    """Targets per metric, recipients per region, users, Spark settings, suite overrides."""
    path = _config(
        tmp_path,
        """
[targets]
fcr_rate = { green = 0.7, red = 0.5 }
[email.recipients]
"Liège" = ["ops@example.com"]
[dashboard.users]
ann = "hash"
[engine.spark_conf]
"spark.executor.memory" = "8g"
[expectations.calls]
severity = "warn"
[warehouse]
lock_wait_s = 5
""",
    )
    settings = load_settings(config=path, environ={})
    assert settings.section("email")["recipients"]["Liège"] == ["ops@example.com"]
    assert settings.section("expectations")["calls"] == {"severity": "warn"}


def test_a_toml_syntax_error_names_file_and_line(tmp_path):
    path = _config(tmp_path, "[metrics]\nshort_abandon_s = 10\nrepeat_window_days = \n")
    with pytest.raises(SettingsError, match=rf"^{path}: not valid TOML: .*line 3"):
        load_settings(config=path, environ={})


def test_a_bad_time_zone_names_key_and_file(tmp_path):
    path = _config(tmp_path, '[schedule]\ntimezone = "Europe/Brusels"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(config=path, environ={})
    assert str(caught.value).startswith(
        f"{path}: [schedule] timezone = 'Europe/Brusels' is not a time zone"
    )


def test_the_command_line_says_it_in_one_line_exit_2(tmp_path):
    path = _config(tmp_path, "[metrics]\nrepeat_window_dayz = 3\n")
    result = CliRunner().invoke(app, ["--config", str(path), "loads"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: unknown setting [metrics] repeat_window_dayz; "
        "did you mean repeat_window_days?"
    ]
