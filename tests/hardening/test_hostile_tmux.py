"""Hostile text in a real terminal: the app in tmux never lets a payload set the clipboard, the
title or clear the screen, and never quits because of one."""

from __future__ import annotations

import sys
import time

import pytest

from tests.e2e.test_tmux_inbox import TMUX, Tmux
from tests.hardening.hostile import PAYLOADS, build_hostile_folder
from tui.library.models import CALLBACK_FIELDS

pytestmark = [pytest.mark.tmux, pytest.mark.slow]


@pytest.fixture
def term(tmp_path):
    if TMUX is None:
        pytest.fail("tmux is not installed")
    import os

    env = {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "home" / "cfg"),
           "XDG_DATA_HOME": str(tmp_path / "home" / "data"), "XDG_STATE_HOME": str(tmp_path / "home" / "state"),
           "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    session = Tmux(tmp_path / "tmux.sock", env)
    yield session
    session.kill()


def test_hostile_text_in_tmux(term, tmp_path):
    from tui.library.scan import scan
    from tui.library.store import Store

    root = tmp_path / "v"
    build_hostile_folder(root)
    db = tmp_path / "lib.sqlite3"
    store = Store(db)
    scan(store, [root])
    for i, message in enumerate(store.messages()):
        store.record_progress(message.id, heard=[(0, message.duration_s)], position_s=message.duration_s,
                              reached_end=True, at_end=True, threshold=0.97)
        for field in CALLBACK_FIELDS:
            store.edit_field(message.id, field, PAYLOADS[i % len(PAYLOADS)])
        store.set_notes(message.id, " ".join(PAYLOADS))
    count = store.count()
    store.close()
    config = tmp_path / "config.toml"
    config.write_text(f'[sources]\nfolders = ["{root}"]\nwatch = false\n\n[audio]\noutput = "null"\n\n'
                      f'[transcription]\nenabled = false\n\n[export]\npath = "{tmp_path / "notes.txt"}"\n')
    term.start(f"{sys.executable} -m tui --config {config} --db {db}", width=100, height=30)
    term.run("set-option", "-g", "set-clipboard", "on")
    term.run("set-option", "-g", "allow-rename", "on")
    term.run("set-option", "-g", "set-titles", "on")
    title_before = term.run("display-message", "-p", "#{pane_title}").stdout
    term.wait_for("voicemail-tui")
    term.keys("v")
    for _ in range(count):
        term.keys("j")
        time.sleep(0.15)
    term.keys("x")
    screen = term.wait_for("Callback notes written")
    assert "EXITED" not in screen, screen
    assert "[@click=app.quit]x[/]" in screen or "\\x1b" in screen  # payloads shown as text
    assert term.run("list-buffers").stdout.strip() == "", "an OSC 52 payload reached the clipboard"
    assert term.run("display-message", "-p", "#{pane_title}").stdout == title_before
    term.keys("q")
    term.wait_for("EXITED=0")
