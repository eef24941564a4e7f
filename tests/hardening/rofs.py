"""Make a folder read-only for real (a read-only bind mount as root, else permissions) and checksum it."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from contextlib import contextmanager
from pathlib import Path


def manifest(root: Path) -> dict[str, tuple]:
    """Every entry below `root` (names as bytes): type, size, mtime, inode, mode and the SHA-256 of files."""
    entries: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(os.fsencode(root), followlinks=False):
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            digest = None
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            entries[os.fsdecode(os.path.relpath(path, os.fsencode(root)))] = (
                stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns, st.st_ino, stat.S_IMODE(st.st_mode), digest,
            )
    return entries


def _chmod_tree(root: Path, writable: bool) -> None:
    for folder, dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            os.chmod(path, 0o644 if writable else 0o444)
        os.chmod(folder, 0o755 if writable else 0o555)


@contextmanager
def read_only(root: Path):
    """Yield "mount" when `root` is a read-only bind mount (root user), else "chmod" (permissions only)."""
    how = "chmod"
    if os.geteuid() == 0:
        bind = subprocess.run(["mount", "--bind", str(root), str(root)], capture_output=True)
        if bind.returncode == 0:
            remount = subprocess.run(["mount", "-o", "remount,ro,bind", str(root)], capture_output=True)
            if remount.returncode == 0:
                how = "mount"
            else:
                subprocess.run(["umount", str(root)], check=False)
    if how == "chmod":
        _chmod_tree(root, writable=False)
    try:
        yield how
    finally:
        if how == "mount":
            subprocess.run(["umount", "-l", str(root)], check=False)
        else:
            _chmod_tree(root, writable=True)
