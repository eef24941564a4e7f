"""A real terminal for end-to-end tests: a private tmux server, keys sent with send-keys."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

TMUX = shutil.which("tmux")


def quote(value: str) -> str:
    """One shell word."""
    return "'" + value.replace("'", "'\\''") + "'"


class Tmux:
    """One session "t" on its own socket; `env` is exported to the command it starts."""

    def __init__(self, socket: Path, env: dict[str, str] | None = None) -> None:
        self.socket = socket
        self.env = dict(env or {})

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([TMUX, "-S", str(self.socket), *args], capture_output=True, text=True, check=check)

    def start(self, argv: list[str] | str, width: int = 80, height: int = 24) -> None:
        """Run argv (a list of words, or a shell command line) at width x height, then say EXITED=rc."""
        command = argv if isinstance(argv, str) else " ".join(quote(a) for a in argv)
        exports = " ".join(f"{k}={quote(v)}" for k, v in {"TERM": "xterm-256color", **self.env}.items())
        self.run("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height),
                 f"env {exports} {command}; echo EXITED=$?; sleep 60")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "t", *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "t").stdout

    def size(self) -> tuple[int, int]:
        out = self.run("display-message", "-p", "-t", "t", "#{pane_width}x#{pane_height}").stdout.strip()
        w, h = out.split("x")
        return int(w), int(h)

    def wait_for(self, predicate: str | Callable[[str], bool], timeout: float = 20.0, what: str = "") -> str:
        """The screen once it shows `predicate` (a text, or a test of the screen)."""
        if isinstance(predicate, str):
            text = predicate
            what = what or repr(text)
            predicate = lambda screen: text in screen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{what} never appeared on the screen; it shows:\n{self.screen()}")

    def kill(self) -> None:
        self.run("kill-server", check=False)
