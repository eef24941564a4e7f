import subprocess
import sys

import pytest

from tui import config
from tui.errors import ConfigError

BAD = [
    ("[audio]\nlistened_threshold = 2\n", 2, "[audio] listened_threshold must be a number between 0.5 and 1.0, not 2"),
    ("[audio]\noutput = \"speakers\"\n", 2, "[audio] output must be"),
    ("[audio]\noutput = \"auto\"\nbuffer_ms = true\n", 3, "[audio] buffer_ms must be"),
    ("[sources]\nfolders = \"~/Voicemail\"\n", 2, "[sources] folders must be a list"),
    ("[sources]\nwatch = \"yes\"\n", 2, "[sources] watch must be true or false"),
    ("[callback]\ndefault_region = \"Narnia\"\n", 2, "[callback] default_region must be a two-letter region"),
    ("[transcription]\nthreads = -1\n", 2, "[transcription] threads must be"),
    ("[callback]\ndial_command = \"kdeconnect-cli --share tel:{number}\"\n", 2, "[callback] dial_command must be a command as a list"),
    ("[callback]\ndial_command = []\n", 2, "[callback] dial_command must be"),
    ("[callback]\ndial_command = [\"linphonecsh\", \"dial\"]\n", 2, 'with "{number}" in one'),
    ("\n\n[audio]\nvolume = 3\n", 4, "[audio] volume is not a known key"),
    ("[speakers]\nx = 1\n", 1, "unknown section or key 'speakers'"),
    ("[keys]\nfly = \"f\"\n", 2, "[keys] fly is not an action"),
    ("[keys]\nquit = \"j\"\n", 2, "is bound to both"),
    ("[audio\n", 1, "invalid TOML"),
]


@pytest.mark.parametrize("text,line,message", BAD)
def test_bad_values_name_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        config.load(path)
    assert str(info.value).startswith(f"{path}:{line}:"), str(info.value)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_example_config_is_valid_and_documents_every_key(tmp_path):
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "config.example.toml"
    loaded = config.load(example, required=True)
    text = example.read_text()
    for section in ("sources", "audio", "transcription", "callback", "export", "ui", "contacts"):
        for key in vars(getattr(loaded, section)):
            assert f"{key} =" in text, f"config.example.toml does not document [{section}] {key}"


def test_round_trip_through_tomli_w(tmp_path):
    path = tmp_path / "c.toml"
    original = config.starter(["~/a", "/b"])
    path.write_text(config.to_toml(original))
    again = config.load(path)
    assert again.sources == original.sources and again.audio == original.audio and again.keys == original.keys


def test_keys_can_be_remapped(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[keys]\nplay = ["p", "enter"]\nreplay_evidence = "z"\n')
    loaded = config.load(path)
    assert loaded.keys["play"] == ("p", "enter")
    assert loaded.keys["replay_evidence"] == ("z",)


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        config.load(tmp_path / "nope.toml", required=True)
    assert config.load(tmp_path / "nope.toml") == config.Config()


def test_cli_exit_code_2_without_traceback(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[audio]\nlistened_threshold = \"most\"\n")
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--config", str(path), "export", "--format", "json"],
        capture_output=True, text=True, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}:2: [audio] listened_threshold" in result.stderr
