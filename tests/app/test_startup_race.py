"""Issue #16: no good voicemail is marked broken because threads imported modules at once.

Each start is a fresh interpreter (tests/app/startup_child.py): at a real start-up nothing of
mutagen, pydub or the workers is imported yet, which an in-process run_test cannot give twice.
The cursor moves at once while the scan, the watcher, the output, the decode-ahead and (in some
starts) the real transcriber start, and two more threads scan the same folder into libraries of
their own. Before the fix one start in about sixteen stored a good MP3 as "not a readable mp3
file (deadlock detected by _ModuleLock('mutagen.id3._util'))".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.library.formats import make_format_folder

CHILD = Path(__file__).with_name("startup_child.py")
STARTS = 8
# phonenumbers loads a country's metadata module on first use, under its own lock, and that
# module imports only what phonenumbers already has: one thread at a time, no cycle.
ALLOWED_PREFIXES = ("phonenumbers.data.region_", "phonenumbers.shortdata.region_")


@pytest.fixture(scope="module")
def format_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    made = make_format_folder(folder)
    assert {Path(p).suffix for p in made} >= {".wav", ".mp3", ".m4a", ".ogg", ".opus", ".flac", ".aac"}
    return folder, made


@pytest.mark.slow
@pytest.mark.model
def test_app_starts_mark_no_good_file_broken_and_workers_import_nothing(format_folder, tmp_path):
    from tui.errors import UserError
    from tui.transcribe.model import resolve

    try:
        resolve("auto")  # some starts run the real transcriber to its first result
    except UserError as exc:
        pytest.fail(f"the speech model is not installed (scripts/bootstrap.sh installs it): {exc}")
    folder, made = format_folder
    for number in range(STARTS):
        work = tmp_path / f"start-{number}"
        work.mkdir()
        model = "auto" if number % 4 == 3 else "none"  # the real transcriber in some starts
        result = subprocess.run([sys.executable, str(CHILD), str(folder), str(work), model, "2"],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        run = json.loads(result.stdout.strip().splitlines()[-1])
        assert run["scanned"] and run["player"], run
        assert run["transcribed"] == (model == "auto"), run
        assert run["messages"] == len(made)
        assert run["errors"] == [], f"start {number}: good files marked broken: {run['errors']}"
        assert run["extra_unreadable"] == [], f"start {number}: a concurrent scan refused good files"
        stray = [item for item in run["stray_imports"] if not item[0].startswith(ALLOWED_PREFIXES)]
        assert stray == [], f"start {number}: imported on worker threads outside tui.worker_imports: {stray}"
