"""Native stderr (PortAudio, ALSA, libpulse write to fd 2) redirected to a log, away from the TUI."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO


class NativeStderr:
    """fd 2 redirected to a log file; `stream` writes to the original terminal stderr."""

    def __init__(self, saved_fd: int, stream: TextIO, log_path: Path) -> None:
        self.saved_fd = saved_fd
        self.stream = stream
        self.log_path = log_path

    def restore(self) -> None:
        try:
            sys.stderr.flush()
        except Exception:
            pass
        os.dup2(self.saved_fd, 2)
        sys.stderr = sys.__stderr__


def redirect_native_stderr(log_path: str | os.PathLike[str]) -> NativeStderr:
    """Send everything C libraries write to fd 2 (PortAudio, ALSA, libpulse) to `log_path`.

    Python's sys.stderr is re-pointed at a duplicate of the original fd 2, so our own messages
    still reach the terminal. Call once at start-up, before PortAudio is imported.
    """
    path = Path(log_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        sys.stderr.flush()
    except Exception:
        pass
    saved = os.dup(2)
    os.dup2(fd, 2)
    os.close(fd)
    stream = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    sys.stderr = stream
    return NativeStderr(saved, stream, path)
