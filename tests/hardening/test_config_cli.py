"""Config and command line: every bad value gives file:line and a one-line reason with exit 2;
unknown keys are rejected; bad flags print usage with exit 2; never a traceback without --debug."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui import cli, config
from tui.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# every key, with values of every wrong kind (each must be refused)
WRONG = {
    ("sources", "folders"): ['"~/Voicemail"', "[1, 2]", '[""]', "true", "{a = 1}", '["ok", 3]'],
    ("sources", "watch"): ['"yes"', "1", "0.5", "[]", "1979-05-27"],
    ("audio", "output"): ['"speakers"', '"file:"', '"file:x.mp3"', '""', "1", "true", '["null"]', '"NULL"'],
    ("audio", "listened_threshold"): ["2", "0.1", "-1", "nan", "inf", '"0.97"', "true", "[0.97]"],
    ("audio", "buffer_ms"): ["true", "1", "99999999", "-5", "100.5", '"100"'],
    ("audio", "device"): ['""', "1", "false", "[]"],
    ("transcription", "enabled"): ['"no"', "0", "{}"],
    ("transcription", "model"): ['""', "0", "[]"],
    ("transcription", "language"): ['"english"', '"EN"', '""', "1", '"e"'],
    ("transcription", "threads"): ["-1", "65", "1.5", '"4"', "true", "99999999999999999999" if False else "9223372036854775807"],
    ("callback", "default_region"): ['"Narnia"', '"XX"', '""', "1", "[]", '"\\u001b[2J"'],
    ("export", "path"): ['""', '"   "', "1", "[]", "false"],
    ("ui", "theme"): ['""', "1", "[]"],
    ("ui", "relative_time_days"): ["-1", "366", "1.5", '"7"', "true"],
}
CASES = [(section, key, value) for (section, key), values in WRONG.items() for value in values]


def _layouts(section: str, key: str, value: str) -> list[tuple[str, int]]:
    """The same bad value written the ways TOML allows: (text, line of the bad value)."""
    other = '[ui]\ntheme = "textual-dark"' if section != "ui" else '[callback]\ndefault_region = "US"'
    header = f"# voicemail-tui\n\n{other}\n\n"  # 5 lines
    return [
        (f"{header}[{section}]\n# a comment\n{key} = {value}\n", 8),
        (f"{header}[{section}]\n  \"{key}\"   =   {value}   # trailing comment\n", 7),
        (f"\n{section}.{key} = {value}\n", 2),
        (f"{section} = {{ {key} = {value} }}\n", 1),
    ]


@pytest.mark.parametrize("section,key,value", CASES, ids=[f"{s}.{k}={v}" for s, k, v in CASES])
def test_every_bad_value_names_file_and_line(tmp_path, section, key, value):
    path = tmp_path / "config.toml"
    for text, line in _layouts(section, key, value):
        path.write_text(text)
        with pytest.raises(ConfigError) as info:
            config.load(path, required=True)
        message = str(info.value)
        assert message.startswith(f"{path}:{line}: [{section}] {key} "), (text, message)
        assert "\n" not in message and not CONTROLS.search(message), message
        assert info.value.exit_code == 2


UNKNOWN = [
    ("[audio]\nvolume = 3\n", 2, "volume"),
    ("[audio]\noutput = \"null\"\nOutput = \"null\"\n", 3, "Output"),
    ("speakers = 1\n", 1, "speakers"),
    ("\n[speakers]\nx = 1\n", 2, "speakers"),
    ("[keys]\nfly = \"f\"\n", 2, "fly"),
    ("[sources.extra]\nx = 1\n", 1, "extra"),
    ("[[sources]]\nfolders = []\n", 1, "sources"),
    ("[keys]\nquit = \"q\"\n[keys.more]\nx = 1\n", 3, "more"),
]


@pytest.mark.parametrize("text,line,name", UNKNOWN)
def test_unknown_keys_and_wrong_shapes_are_rejected_with_their_line(tmp_path, text, line, name):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        config.load(path, required=True)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert name in message and "\n" not in message


BROKEN_FILES = [
    (b"[audio\n", "invalid TOML"),
    (b"\xff\xfe[audio]\n", "not UTF-8"),
    (b"[audio]\noutput = \"null\"\x00\n", "invalid TOML"),
    (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", ""),
    (b"[audio]\noutput = \"null\"\n[audio]\noutput = \"null\"\n", "invalid TOML"),
    (b"x = \"\x1b]52;c;aGk=\x07\"\n", "invalid TOML"),
]


@pytest.mark.parametrize("raw,reason", BROKEN_FILES)
def test_broken_config_files_give_one_line_and_exit_2(tmp_path, capsys, raw, reason):
    path = tmp_path / "config.toml"
    path.write_bytes(raw)
    code = cli.main(["--config", str(path), "export", "--format", "json", "--db", str(tmp_path / "l.sqlite3")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"voicemail-tui: {path}") and err.count("\n") == 1, err
    assert reason in err and "Traceback" not in err and not CONTROLS.search(err.rstrip("\n"))


def test_a_folder_or_missing_file_as_config(tmp_path, capsys):
    assert cli.main(["--config", str(tmp_path), "export", "--db", str(tmp_path / "l.sqlite3")]) == 2
    assert cli.main(["--config", str(tmp_path / "nope.toml"), "scan"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO), **env})


BAD_FLAGS = [
    ["--bogus"],
    ["scan", "--nope"],
    ["export", "--format", "xml"],
    ["export", "--out"],
    ["transcribe", "--all", "--frob"],
    ["model", "frob"],
    ["model"],
    ["frobnicate"],
    ["--db"],
    ["analyze"],
    ["init", "--force", "extra"],
    ["--source"],
]


@pytest.mark.parametrize("argv", BAD_FLAGS, ids=[" ".join(a) for a in BAD_FLAGS])
def test_bad_flags_print_usage_and_exit_2(tmp_path, argv):
    done = _run(*argv, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_DATA_HOME=str(tmp_path / "d"))
    assert done.returncode == 2, (argv, done.returncode, done.stderr)
    assert "usage:" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_runtime_failures_are_one_line_without_debug_and_traceback_with_it(tmp_path):
    bad_db = tmp_path / "not-a-library.sqlite3"
    bad_db.write_bytes(b"this is not sqlite" * 100)
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d")}
    plain = _run("export", "--format", "json", "--db", str(bad_db), **env)
    assert plain.returncode == 1 and plain.stderr.count("\n") == 1 and "Traceback" not in plain.stderr, plain.stderr
    debug = _run("export", "--format", "json", "--db", str(bad_db), "--debug", **env)
    assert debug.returncode != 0 and "Traceback" in debug.stderr
