"""Config files: the example loads, the sample station loads, broken files say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import Config, ConfigError, load_config
from tests.conftest import EXAMPLE_CONFIG, SHARED_EVAL


def test_example_config_loads_and_mirrors_the_models():
    config = load_config(EXAMPLE_CONFIG)
    assert config.station.hotline == "95598"
    assert {w.team for w in config.workers} <= {t.id for t in config.teams}
    assert config.service.arrival_minutes["estate"] == 45
    assert config.service.arrival_minutes["village"] == 90
    assert config.kb.dir == EXAMPLE_CONFIG.parent / "kb"


@pytest.mark.skipif(not (SHARED_EVAL / "station.toml").exists(), reason="no shared/eval here")
def test_station_sections_alone_are_a_valid_config():
    config = load_config(SHARED_EVAL / "station.toml")
    assert config.group("石桥上洞联合用电群").community is None
    assert config.workers == [] and config.storage.path == Path("var/powerbot.db")


def test_station_sections_alone_are_a_valid_config_without_shared(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text(
        '[station]\nname = "某供电所"\n[[teams]]\nid = "t"\nname = "班"\n'
        '[[communities]]\nname = "甲村"\nkind = "village"\nteam = "t"\n'
        '[[groups]]\ntopic = "甲村群"\ncommunity = "甲村"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.community("甲村").kind == "village"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[station\nname = 1", "not valid TOML"),
        ('[station]\nnmae = "x"', "station.nmae: Extra inputs are not permitted"),
        ('[[workers]]\nid = "w"\nname = "李"\nteam = "ghost"', "no team with id 'ghost'"),
        ('[[groups]]\ntopic = "g"\ncommunity = "nowhere"', "no community named 'nowhere'"),
        ("[service]\naddress_wait_minutes = 0", "service.address_wait_minutes"),
        ('[[communities]]\nname = "a"\nkind = "city"', "communities[0].kind"),
    ],
)
def test_broken_config_names_the_file_key_and_reason(tmp_path, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_broken_config_stops_the_cli_with_status_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[bot]\nlog_level = "LOUD"', encoding="utf-8")
    result = CliRunner().invoke(cli, ["chat", "--config", str(path)], input="")
    assert result.exit_code == 2
    assert "bad.toml" in result.output and "bot.log_level" in result.output


def test_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_config_model_forbids_unknown_sections():
    with pytest.raises(ValueError):
        Config.model_validate({"stations": {}})
