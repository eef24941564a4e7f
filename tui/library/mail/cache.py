"""The audio of mailed voicemails, extracted into the library's data folder (never beside the mail).

Content-addressed: `<audio hash><suffix>` in `mail-audio/` next to the library, written once
(atomically) however many mails carry the same recording. Bounded by the mail present: after a
full scan, files no present mail refers to are removed (`clean`), so the cache holds exactly one
copy of each recording of the mails still in the sources.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

FOLDER = "mail-audio"
GRACE_S = 600  # younger files are kept: another instance's scan may not have stored its mail yet


def folder_for(db_path: Path | str) -> Path:
    return Path(db_path).parent / FOLDER


def put(folder: Path | str, data: bytes, suffix: str) -> tuple[Path, str]:
    """Store `data`; returns its path and its hash (`tui.library.identity.content_hash` of the file)."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    folder = Path(folder)
    target = folder / f"{digest}{suffix}"
    if target.exists() and target.stat().st_size == len(data):
        return target, digest
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    return target, digest


def clean(folder: Path | str, keep: Iterable[str]) -> int:
    """Remove cached audio no present mail refers to (and leftovers of interrupted writes)."""
    folder = Path(folder)
    wanted = {os.path.abspath(path) for path in keep}
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        if entry.is_file(follow_symlinks=False) and os.path.abspath(entry.path) not in wanted:
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime < GRACE_S:
                    continue
            except OSError:
                continue
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed
