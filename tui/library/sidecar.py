"""Reading sidecar files (JSON, INI, HTML) safely: regular files only, never blocking, size-capped."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def read_limited(path: Path | str, limit: int) -> bytes:
    """Up to `limit` + 1 bytes of `path` (so callers can tell it was longer).

    Opens without blocking (a FIFO named like a sidecar must never hang a scan) and refuses
    anything but a regular file with OSError(EINVAL, "not a regular file").
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
