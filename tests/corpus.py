"""The sample corpus as the tests see it: ../shared/voicemail-samples with the times it claims.

../shared is laid down fresh for every run, so its files' modification times are "now", and git
keeps none. A file whose only date is its mtime (`plain/Voicemail 3.wav`) would then be the
newest message on one day and not on the next. So the tests never read ../shared's mtimes: they
read a copy, made once per test session, whose files carry the times truth.jsonl gives them
(`received_at`, for the audio and its sidecar) and whose other files carry a fixed time before
all of them. The copy keeps the corpus's permissions (it is read-only where ../shared is).

`VOICEMAIL_TUI_SHARED` points the tests at another copy of the shared folder (how the suite is
shown not to care about the mtimes it finds there: scripts/test-any-day).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import stat
import tempfile
from datetime import datetime
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VOICEMAIL_TUI_SHARED") or REPO.parent / "shared").resolve()
SAMPLES_SOURCE = SHARED / "voicemail-samples"
PEER_FIXTURES = SHARED / "peer-fixtures"


def truth_rows(root: Path = SAMPLES_SOURCE) -> list[dict]:
    return [json.loads(line) for line in (root / "truth.jsonl").read_text().splitlines() if line.strip()]


def corpus_times(rows: list[dict]) -> dict[str, float]:
    """Relative path -> the epoch seconds its file should carry (audio and sidecar alike)."""
    times: dict[str, float] = {}
    for row in rows:
        when = datetime.fromisoformat(row["received_at"]).timestamp()
        for key in ("path", "sidecar"):
            if row.get(key):
                times[row[key]] = when
    return times


def _make_writable(path: Path) -> None:
    for folder, _dirs, _files in os.walk(path):
        os.chmod(folder, stat.S_IRWXU)


@cache
def samples_dir() -> Path:
    """The normalized copy (built on first use, removed when the test process ends)."""
    if not SAMPLES_SOURCE.is_dir():
        raise RuntimeError(f"the sample corpus is missing: {SAMPLES_SOURCE} (the tests need ../shared beside the checkout)")
    base = Path(tempfile.mkdtemp(prefix="voicemail-samples-"))
    target = base / "voicemail-samples"
    shutil.copytree(SAMPLES_SOURCE, target, copy_function=shutil.copy2, symlinks=True)
    times = corpus_times(truth_rows(target))
    floor = min(times.values()) - 86400.0
    folders = []
    for folder, _dirs, files in os.walk(target):
        folders.append(folder)
        for name in files:
            full = os.path.join(folder, name)
            when = times.get(os.path.relpath(full, target), floor)
            os.utime(full, (when, when), follow_symlinks=False)
    for folder in sorted(folders, key=len, reverse=True):  # after their files, deepest first
        os.utime(folder, (floor, floor))

    def _remove() -> None:
        _make_writable(base)
        shutil.rmtree(base, ignore_errors=True)

    atexit.register(_remove)
    return target


def newest_received(rows: list[dict]) -> datetime:
    return max(datetime.fromisoformat(row["received_at"]) for row in rows)
