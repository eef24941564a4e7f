"""The folder watcher on a real folder with real inotify: copies, slow writes, sync tools' temp-then-rename
writes, renames, moves and deletes. Waits are generous deadlines, never timing assertions."""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
import wave
from pathlib import Path

import pytest

from tui.library.watch import FolderWatcher

DEADLINE_S = 20.0  # how long to wait for something that should happen (a noisy machine)


def _wav_bytes(seconds: float = 1.0) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(range(256)) * int(seconds * 8000 * 2 / 256))
    return buffer.getvalue()


class Recorder:
    """Collects every on_change call with the size each path had at that moment."""

    def __init__(self) -> None:
        self.calls: list[dict[Path, int | None]] = []
        self._changed = threading.Condition()

    def __call__(self, paths: set[Path]) -> None:
        snapshot: dict[Path, int | None] = {}
        for path in paths:
            try:
                snapshot[path] = path.stat().st_size
            except OSError:
                snapshot[path] = None
        with self._changed:
            self.calls.append(snapshot)
            self._changed.notify_all()

    def reports(self, path: Path) -> list[int | None]:
        with self._changed:
            return [call[path] for call in self.calls if path in call]

    def all_paths(self) -> set[Path]:
        with self._changed:
            return {path for call in self.calls for path in call}

    def wait_for(self, path: Path, count: int = 1) -> list[int | None]:
        deadline = time.monotonic() + DEADLINE_S
        with self._changed:
            while True:
                seen = [call[path] for call in self.calls if path in call]
                if len(seen) >= count:
                    return seen
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{path.name} was not reported; saw {sorted(p.name for p in self.all_paths())}")
                self._changed.wait(left)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "voicemail"
    (root / "INBOX").mkdir(parents=True)
    (root / "Old").mkdir()
    return root


@pytest.fixture
def watched(folder: Path):
    recorder = Recorder()
    watcher = FolderWatcher([folder], recorder, settle_s=0.5).start()
    try:
        _wait_until_watching(watcher, folder, recorder)
        yield watcher, recorder
    finally:
        watcher.stop()
    assert not watcher.running


def _wait_until_watching(watcher: FolderWatcher, folder: Path, recorder: Recorder) -> None:
    """Once the watcher says it is ready, a first file must be reported."""
    assert watcher.wait_ready(DEADLINE_S)
    assert watcher.watching == [folder]
    probe = folder / "probe.wav"
    probe.write_bytes(b"probe")
    recorder.wait_for(probe)


def _settled_marker(folder: Path, recorder: Recorder, name: str) -> None:
    """Copy a marker in and wait for it: everything written before it has had time to settle."""
    marker = folder / name
    marker.write_bytes(b"marker")
    recorder.wait_for(marker)


def test_a_copied_file_is_reported_complete(watched, folder: Path, tmp_path: Path) -> None:
    _watcher, recorder = watched
    source = tmp_path / "outside.wav"
    source.write_bytes(_wav_bytes(2.0))
    target = folder / "INBOX" / "Zoë O'Brien – Voicemail.wav"
    shutil.copy2(source, target)
    assert recorder.wait_for(target) == [source.stat().st_size]


@pytest.mark.slow
def test_a_slowly_written_file_is_reported_once_when_complete(folder: Path) -> None:
    recorder = Recorder()
    with FolderWatcher([folder], recorder, settle_s=1.0) as watcher:
        _wait_until_watching(watcher, folder, recorder)
        data = _wav_bytes(3.0)
        target = folder / "INBOX" / "slow.wav"
        pieces = [data[i : i + 2000] for i in range(0, len(data), 2000)]
        with open(target, "wb") as out:
            for index, piece in enumerate(pieces):
                out.write(piece)
                out.flush()
                # Pauses longer than the watcher's tick but shorter than settle_s.
                time.sleep(0.5 if index % 5 == 4 else 0.05)
        assert len(pieces) > 20
        assert recorder.wait_for(target) == [len(data)]  # never while partial
        _settled_marker(folder, recorder, "after-slow.wav")
        time.sleep(1.5)
        assert recorder.reports(target) == [len(data)]  # and only once


@pytest.mark.parametrize(
    "temp_name",
    [".msg0005.wav.Xy12Ab", ".syncthing.msg0005.wav.tmp", "msg0005.wav.part", ".msg0005.wav.~7d1f0a"],
    ids=["rsync", "syncthing", "part", "nextcloud"],
)
def test_temp_then_rename_reports_only_the_final_name(watched, folder: Path, temp_name: str) -> None:
    _watcher, recorder = watched
    data = _wav_bytes(1.0)
    temp = folder / "INBOX" / temp_name
    with open(temp, "wb") as out:
        for i in range(0, len(data), 4000):
            out.write(data[i : i + 4000])
            out.flush()
            time.sleep(0.05)
    final = folder / "INBOX" / "msg0005.wav"
    os.rename(temp, final)
    assert recorder.wait_for(final) == [len(data)]
    _settled_marker(folder, recorder, "after-rename.wav")
    assert temp not in recorder.all_paths()


def test_rename_move_and_delete(watched, folder: Path) -> None:
    _watcher, recorder = watched
    first = folder / "INBOX" / "msg0000.wav"
    first.write_bytes(_wav_bytes(0.5))
    recorder.wait_for(first)

    renamed = folder / "INBOX" / "renamed.wav"
    os.rename(first, renamed)
    assert recorder.wait_for(renamed) == [first.parent.joinpath("renamed.wav").stat().st_size]
    assert recorder.wait_for(first, 2)[-1] is None  # the old name is reported gone

    moved = folder / "Old" / "renamed.wav"
    os.rename(renamed, moved)  # across sub-folders
    recorder.wait_for(moved)
    assert recorder.wait_for(renamed, 2)[-1] is None

    moved.unlink()
    assert recorder.wait_for(moved, 2)[-1] is None

    # Restored: reported again.
    moved.write_bytes(_wav_bytes(0.5))
    assert recorder.wait_for(moved, 3)[-1] == moved.stat().st_size


def test_a_folder_moved_in_reports_its_files(watched, folder: Path, tmp_path: Path) -> None:
    _watcher, recorder = watched
    outside = tmp_path / "from-phone"
    (outside / "deep").mkdir(parents=True)
    (outside / "a.wav").write_bytes(_wav_bytes(0.2))
    (outside / "deep" / "b.wav").write_bytes(_wav_bytes(0.3))
    (outside / ".hidden.wav").write_bytes(b"x")
    os.rename(outside, folder / "from-phone")
    recorder.wait_for(folder / "from-phone" / "a.wav")
    recorder.wait_for(folder / "from-phone" / "deep" / "b.wav")
    _settled_marker(folder, recorder, "after-move-in.wav")
    assert folder / "from-phone" / ".hidden.wav" not in recorder.all_paths()

    shutil.rmtree(folder / "from-phone")
    deadline = time.monotonic() + DEADLINE_S
    gone = {folder / "from-phone", folder / "from-phone" / "a.wav"}
    while not (gone & {p for p in recorder.all_paths() if not p.exists()}) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone & {p for p in recorder.all_paths() if not p.exists()}


def test_hidden_folders_are_ignored(watched, folder: Path) -> None:
    _watcher, recorder = watched
    versions = folder / ".stversions"
    versions.mkdir()
    (versions / "msg0000~20261103.wav").write_bytes(_wav_bytes(0.2))
    (folder / "INBOX" / "~$owner.wav").write_bytes(b"x")
    _settled_marker(folder, recorder, "after-hidden.wav")
    time.sleep(1.0)
    assert not [p for p in recorder.all_paths() if ".stversions" in p.parts or p.name.startswith("~$")]


def test_a_symlink_loop_does_not_stop_the_watcher(folder: Path) -> None:
    (folder / "INBOX" / "loop").symlink_to(folder)
    recorder = Recorder()
    with FolderWatcher([folder], recorder, settle_s=0.3) as watcher:
        _wait_until_watching(watcher, folder, recorder)
        target = folder / "INBOX" / "after-loop.wav"
        target.write_bytes(_wav_bytes(0.2))
        assert recorder.wait_for(target) == [target.stat().st_size]
    assert not watcher.running


def test_a_missing_folder_is_watched_once_it_appears(tmp_path: Path) -> None:
    later = tmp_path / "not-yet"
    recorder = Recorder()
    with FolderWatcher([later], recorder, settle_s=0.3) as watcher:
        assert watcher.wait_ready(DEADLINE_S)
        assert watcher.watching == []
        later.mkdir()
        (later / "first.wav").write_bytes(_wav_bytes(0.2))
        recorder.wait_for(later / "first.wav")
        deadline = time.monotonic() + DEADLINE_S
        while watcher.watching != [later] and time.monotonic() < deadline:
            time.sleep(0.05)
        second = later / "second.wav"
        second.write_bytes(_wav_bytes(0.2))
        recorder.wait_for(second)


def test_a_failing_callback_does_not_stop_the_watcher(folder: Path) -> None:
    calls: list[set[Path]] = []
    seen = threading.Event()

    def flaky(paths: set[Path]) -> None:
        calls.append(paths)
        if len(calls) == 1:
            raise RuntimeError("receiver bug")
        seen.set()

    with FolderWatcher([folder], flaky, settle_s=0.2) as watcher:
        assert watcher.wait_ready(DEADLINE_S)
        (folder / "one.wav").write_bytes(b"1")
        deadline = time.monotonic() + DEADLINE_S
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        (folder / "two.wav").write_bytes(b"2")
        assert seen.wait(DEADLINE_S)
    assert any(folder / "two.wav" in paths for paths in calls)


def test_stop_is_idempotent_and_leaves_no_thread(folder: Path) -> None:
    watcher = FolderWatcher([folder], lambda paths: None).start()
    assert watcher.running
    watcher.stop()
    watcher.stop()
    assert not watcher.running
    assert not [t for t in threading.enumerate() if t.name == "folder-watcher" and t.is_alive()]


def test_a_watcher_that_keeps_failing_says_so_once(folder: Path, monkeypatch, caplog) -> None:
    """Polling refuses a folder with a two-link symlink loop; it is retried every recheck but
    logged once (it used to fill the log every 2 s)."""
    import logging

    import tui.library.watch as watch

    monkeypatch.setattr(watch, "ROOT_RECHECK_S", 0.2)
    (folder / "INBOX" / "a").symlink_to(folder / "INBOX" / "b")
    (folder / "INBOX" / "b").symlink_to(folder / "INBOX" / "a")
    caplog.set_level(logging.WARNING, logger="tui.library.watch")
    with FolderWatcher([folder], Recorder(), settle_s=0.3, force_polling=True) as watcher:
        deadline = time.monotonic() + DEADLINE_S
        while watcher.error is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # several retries
    assert watcher.error and "symbolic links" in watcher.error
    warnings = [r for r in caplog.records if "watching folders failed" in r.getMessage()]
    assert len(warnings) == 1
