"""End to end in a real terminal: the installed command inside tmux, keys sent with send-keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from .tmux import TMUX, Tmux

# The installed command: the entry point pip wrote into the virtual environment running the tests.
COMMAND = os.path.join(os.path.dirname(sys.executable), "voicemail-tui")

pytestmark = [pytest.mark.tmux, pytest.mark.slow]


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
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, env={**os.environ, **env}, timeout=60)


def test_listen_to_the_first_message_in_a_real_terminal(term, tmp_path, samples_copy):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[sources]\nfolders = ["{samples_copy}"]\nwatch = false\n\n[audio]\noutput = "null"\n\n'
        '[transcription]\nenabled = false\n'
    )
    assert os.access(COMMAND, os.X_OK), f"{COMMAND} is not installed (scripts/bootstrap.sh installs it)"
    term.start(f"{COMMAND} --config {config}")
    screen = term.wait_for("To call 13")
    screen = term.wait_for("details are locked")  # the cursor's message, once the list has one
    first_row = screen.splitlines()[1]
    assert "Caller ID" not in screen, screen
    term.keys("Enter")
    playing = term.wait_for("▶")
    assert "details are locked" in playing and "Caller ID" not in playing, playing
    for _ in range(3):
        term.keys("]")  # 2x: speed does not matter for "listened"
    at_2x = term.wait_for("2x")
    assert "details are locked" in at_2x and "Caller ID" not in at_2x, at_2x
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


def test_archive_and_the_palette_in_a_real_terminal(term, tmp_path, tone_factory):
    """`a` archives (asking once for an unheard message), Ctrl+P runs the bulk archive; the voicemail
    files are never touched."""
    from datetime import datetime, timezone

    from tui.library.store import Store

    folder = tmp_path / "voicemail"
    tone_factory(folder / "2026-11-20 09.00.00 +12065550100.wav", 2.0, 440)
    tone_factory(folder / "2026-11-21 10.00.00 +13125550111.wav", 2.0, 660)
    tone_factory(folder / "2026-11-22 11.00.00 +14155550132.wav", 2.0, 880)
    for path in folder.iterdir():
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    config = tmp_path / "config.toml"
    config.write_text(f'[sources]\nfolders = ["{folder}"]\nwatch = false\n\n[audio]\noutput = "null"\n\n'
                      '[transcription]\nenabled = false\n')
    assert cli("--config", str(config), "scan", env=term.env).returncode == 0
    store = Store(tmp_path / "home" / "data" / "voicemail-tui" / "library.sqlite3")
    oldest = next(m for m in store.messages() if m.caller_number == "+12065550100")
    store.mark_called_back(oldest.id, "done", at=datetime(2001, 1, 1, tzinfo=timezone.utc))  # long ago on any date
    store.close()

    term.start(f"{sys.executable} -m tui --config {config}")
    term.wait_for("To call 2")
    term.keys("a")  # the newest message is not listened: one question
    term.wait_for("Archive without listening?")
    term.keys("y")
    term.wait_for("Archived 1")
    term.keys("C-p")
    term.wait_for("Search for commands")
    term.keys("archive everything")
    term.wait_for("Archive everything called back")
    term.keys("Enter")
    term.wait_for("Archived 2")
    term.keys("q")
    term.wait_for("EXITED=0")

    records = {r["caller_id"]["number"]: r for r in json.loads(cli("--config", str(config), "export", "--format", "json",
                                                                  env=term.env).stdout)}
    assert records["+14155550132"]["archived"] and records["+12065550100"]["archived"]
    assert not records["+13125550111"]["archived"]
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before
