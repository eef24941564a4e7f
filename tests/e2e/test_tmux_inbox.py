"""End to end in a real terminal: the installed command inside tmux, keys sent with send-keys."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

TMUX = shutil.which("tmux")


class Tmux:
    def __init__(self, socket: Path, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([TMUX, "-S", str(self.socket), *args], capture_output=True, text=True, check=check)

    def start(self, command: str, width: int = 80, height: int = 24) -> None:
        exports = " ".join(f"{k}={_quote(v)}" for k, v in self.env.items())
        self.run("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height),
                 f"env {exports} {command}; echo EXITED=$?; sleep 60")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "t", *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "t").stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen()}")

    def kill(self) -> None:
        self.run("kill-server", check=False)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


@pytest.fixture
def term(tmp_path):
    if TMUX is None:
        pytest.fail("tmux is not installed (scripts/bootstrap.sh --test installs it)")
    env = {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / "cfg"),
        "XDG_DATA_HOME": str(tmp_path / "home" / "data"),
        "XDG_STATE_HOME": str(tmp_path / "home" / "state"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
    }
    session = Tmux(tmp_path / "tmux.sock", env)
    yield session
    session.kill()


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, env={**os.environ, **env}, timeout=60)


def test_listen_to_the_first_message_in_a_real_terminal(term, tmp_path, samples_copy):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[sources]\nfolders = ["{samples_copy}"]\nwatch = false\n\n[audio]\noutput = "null"\n\n'
        '[transcription]\nenabled = false\n'
    )
    term.start(f"{sys.executable} -m tui --config {config}")
    screen = term.wait_for("To call 13")
    first_row = screen.splitlines()[1]
    term.keys("Enter")
    term.wait_for("▶")
    for _ in range(3):
        term.keys("]")  # 2x: speed does not matter for "listened"
    term.wait_for("2x")
    deadline = time.monotonic() + 40
    listened = []
    while time.monotonic() < deadline and not listened:
        time.sleep(0.5)
        records = json.loads(cli("--config", str(config), "export", "--format", "json", env=term.env).stdout)
        listened = [r for r in records if r["state"] == "listened"]
    assert listened, term.screen()
    screen = term.wait_for("Caller ID")
    assert "✓" in screen.splitlines()[1]
    term.keys("q")
    term.wait_for("EXITED=0")

    records = json.loads(cli("--config", str(config), "export", "--format", "json", env=term.env).stdout)
    assert len(records) == 13
    heard = [r for r in records if "callback" in r]
    assert [r["state"] for r in heard] == ["listened"]
    assert heard[0]["id"] == records[0]["id"], "the first (newest) message is the one played"
    assert heard[0]["heard_fraction"] >= 0.97
    assert set(heard[0]["callback"]) >= {"name", "company", "request", "number", "extension", "ask_for",
                                         "number_differs_from_caller_id", "confidence", "evidence"}
    assert all(r["state"] in ("new", "error") for r in records[1:])
    assert first_row.split()[1:3] == screen.splitlines()[1].split()[1:3]
