"""Issue #16 with the real command: `voicemail-tui --demo` in tmux, the cursor moving at once.

The report: about one start in sixteen showed the demo's good MP3 as
"✗ … not a readable mp3 file (deadlock detected by _ModuleLock('mutagen.id3._util'))".
Each start here is a new process with a new throwaway library; every demo message must arrive
as a message, never as an error row.
"""

from __future__ import annotations

import os

import pytest

from .tmux import TMUX, Tmux

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

STARTS = 12
DEMO_MESSAGES = 5


def _settled(screen: str) -> bool:
    """Every demo file is in the list (as a message or an error row) and the scan is over."""
    return f"All {DEMO_MESSAGES}" in screen and "scanning" not in screen


def test_demo_starts_never_show_a_good_file_as_broken(tmp_path):
    if TMUX is None:
        pytest.fail("tmux is not installed (scripts/bootstrap.sh --test installs it)")
    for number in range(STARTS):
        home = tmp_path / f"home-{number}"
        env = {
            "HOME": str(home), "XDG_CONFIG_HOME": str(home / "cfg"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"), "TERM": "xterm-256color",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
        }
        term = Tmux(tmp_path / f"tmux-{number}.sock", env)
        try:
            term.start([str(_command()), "--demo"], width=120, height=36)
            term.wait_for("voicemail-tui", timeout=30, what="the inbox")
            term.keys("j", "j", "k", "j")  # the cursor moves while the jobs start
            screen = term.wait_for(_settled, timeout=60, what="every demo message, scan finished")
            assert "✗" not in screen and "not a readable" not in screen, f"start {number}:\n{screen}"
            assert "(512) 555-0111" in screen  # the MP3 the report saw broken
            term.keys("q")
            term.wait_for("EXITED=0", timeout=20, what="a clean exit")
        finally:
            term.kill()


def _command():
    import sys
    from pathlib import Path

    return Path(sys.executable).with_name("voicemail-tui")
