"""Sync tools' in-progress names are never imported; ordinary voicemail names always are."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from tests.corpus import samples_dir
from tui.library.syncnames import is_hidden_dir, is_ignored, is_partial

SAMPLES = samples_dir()

IN_PROGRESS = [
    ".syncthing.msg0000.wav.tmp",  # Syncthing
    ".syncthing.Zoë O'Brien – Voicemail.m4a.tmp",
    "~syncthing~msg0000.wav.tmp",  # Syncthing on Windows
    ".msg0000.wav.Xy12Ab",  # rsync
    ".2026-11-03 15.27.39 +12015550100.m4a.a1B2c3",
    ".Voicemail 3.wav.~7d1f0a",  # Nextcloud / ownCloud desktop
    ".~lock.msg0000.wav#",
    "msg0000.wav.part",  # Nextcloud web, Firefox, wget
    "Voicemail.M4A.PART",
    ".ocTransferId1234.part",
    "voicemail.mp3.partial",
    "voicemail.mp3.crdownload",  # Chromium
    "voicemail.mp3.download",  # Safari
    "voicemail.mp3.opdownload",
    "voicemail.mp3.kio-part",
    "voicemail.mp3.tmp",
    "~$voicemail.docx",  # Office owner file
    ".dropbox",
    ".dropbox.attr",
    "voicemail.mp3.dropbox.tmp",
    "voicemail.mp3.!sync",  # Resilio
    ".voicemail.mp3.icloud",  # iCloud placeholder
    ".goutputstream-ABC123",  # GNOME
    "._msg0000.wav",  # macOS AppleDouble
]

ORDINARY = [
    "msg0000.wav",
    "msg0001.WAV",
    "msg0002.gsm",
    "msg0000.txt",
    "Zoë O'Brien – Voicemail.m4a",
    "Voicemail 3.wav",
    "2026-11-03 15.27.39 +12015550100.m4a",
    "+12565550187 - Voicemail - 2026-11-09T15_44_19Z.mp3",
    " - Voicemail - 2026-11-09T15_44_19Z.mp3",
    "Jamal Trident - Voicemail - 2026-11-02T21_33_45Z.html",
    "partial.wav",
    "part 2.mp3",
    "department.m4a",
    "my.part.of.it.mp3",
    "tmp.wav",
    "~John.wav",
    "$money.wav",
    "voicemail.mp3.Xy12Ab",  # not hidden: not rsync's
    "Müller, Jürgen.m4a",
    "电话留言.mp3",
    "Bob - Voicemail (1).m4a",
]


@pytest.mark.parametrize("name", IN_PROGRESS)
def test_in_progress_names_match(name: str) -> None:
    assert is_partial(name)


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_names_do_not_match(name: str) -> None:
    assert not is_partial(name)


def test_no_sample_file_is_taken_for_a_temp_file() -> None:
    rows = [json.loads(line) for line in (SAMPLES / "truth.jsonl").read_text("utf-8").splitlines() if line.strip()]
    assert rows
    for row in rows:
        assert not is_partial(Path(row["path"]).name), row["path"]
        if row.get("sidecar"):
            assert not is_partial(Path(row["sidecar"]).name), row["sidecar"]


def test_empty_name() -> None:
    assert not is_partial("")


@pytest.mark.parametrize("name", [".stfolder", ".stversions", ".dropbox.cache", ".Trash-1000", ".rsync-partial"])
def test_hidden_dirs(name: str) -> None:
    assert is_hidden_dir(name)
    assert not is_hidden_dir(name.lstrip("."))


def test_is_ignored_judges_only_folders_below_the_root() -> None:
    root = PurePosixPath("/home/sam/.local/share/voicemail")  # a source inside a hidden folder still works
    assert not is_ignored(root / "INBOX" / "msg0000.wav", root)
    assert is_ignored(root / ".stversions" / "msg0000.wav", root)
    assert is_ignored(root / "INBOX" / ".syncthing.msg0000.wav.tmp", root)
    assert is_ignored(root / "a" / ".rsync-partial" / "b" / "msg0000.wav", root)
    assert not is_ignored(PurePosixPath("/elsewhere/Zoë O'Brien – Voicemail.m4a"), root)
