"""Shared fixtures: the sample corpus (../shared/voicemail-samples), copies of it, libraries, test audio."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.corpus import SAMPLES_SOURCE, samples_dir

REPO = Path(__file__).resolve().parent.parent
# the corpus with the times truth.jsonl gives its files, never ../shared's "now" (tests/corpus.py)
SAMPLES = samples_dir()


def pytest_report_header(config):
    state = "present" if SAMPLES_SOURCE.is_dir() else "MISSING"
    return f"voicemail samples: {SAMPLES_SOURCE} ({state}), read through {SAMPLES} with truth.jsonl's times"


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def truth(samples) -> list[dict]:
    return [json.loads(line) for line in (samples / "truth.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture
def samples_copy(tmp_path, samples) -> Path:
    """A writable copy of the corpus with its (truth.jsonl) modification times kept (cp -p)."""
    target = tmp_path / "voicemail"
    shutil.copytree(samples, target, copy_function=shutil.copy2)
    for folder, dirs, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return target


@pytest.fixture
def machine_zone():
    """Sets this process's local zone for one test (`machine_zone("America/New_York")`), and puts
    the zone it found back afterwards."""
    before = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def store(tmp_path):
    from tui.library.store import Store

    library = Store(tmp_path / "library.sqlite3")
    yield library
    library.close()


@pytest.fixture
def null_config():
    from tui.config import AudioConfig, Config, TranscriptionConfig

    return replace(Config(), audio=AudioConfig(output="null"), transcription=TranscriptionConfig(enabled=False))


def make_tone(path: Path, seconds: float, freq: int = 440, rate: int = 8000) -> Path:
    """A real audio file made by ffmpeg (format from the suffix)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         f"sine=frequency={freq}:sample_rate={rate}:duration={seconds}", "-ac", "1", str(path)],
        check=True,
    )
    return path


@pytest.fixture
def tone_factory():
    return make_tone
