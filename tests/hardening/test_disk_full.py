"""Disk full, an unwritable data dir, an unwritable export path: a clear one-line message, nothing
lost, and the app keeps running. A real full file system (a tiny tmpfs) when it can be mounted."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from tests.app.conftest import wait_for
from tests.hardening.rofs import read_only
from tui.config import ExportConfig
from tui.library.store import LibraryError, Store

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def tiny_fs(path: Path, size: str = "512k"):
    """A small tmpfs at `path` (root only); skips when it cannot be mounted."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("a full file system needs a tmpfs mount (root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system holding `folder` to the last byte."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 16, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO), **env})


def _one_line(stderr: str) -> str:
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    return stderr


def _library(db: Path, folder: Path, tone_factory) -> Store:
    from tui.library.scan import scan

    tone_factory(folder / "2026-11-20 09.00.00 +12065550100.wav", 1.0, 440)
    tone_factory(folder / "2026-11-21 09.00.00 +12065550101.wav", 1.0, 550)
    store = Store(db)
    scan(store, [folder])
    return store


def test_library_writes_on_a_full_disk_fail_clearly_and_lose_nothing(tmp_path, tone_factory):
    with tiny_fs(tmp_path / "fs") as fs:
        store = _library(fs / "lib.sqlite3", tmp_path / "v", tone_factory)
        first, second = store.messages()
        store.record_progress(first.id, heard=[(0, first.duration_s)], position_s=first.duration_s, reached_end=True, at_end=True,
                              threshold=0.97)
        store.edit_field(first.id, "name", "Kept")
        store.set_notes(first.id, "kept notes")
        filler = fill(fs)
        failures = 0
        for write in (lambda: store.set_notes(first.id, "n" * 300_000),
                      lambda: store.edit_field(first.id, "name", "x" * 300_000),
                      lambda: store.record_progress(second.id, heard=[(0.0, 0.5)], position_s=0.5, reached_end=False,
                                                    threshold=0.97),
                      lambda: store.mark_called_back(first.id, "o" * 300_000)):
            try:
                write()
            except LibraryError as exc:
                failures += 1
                assert "full" in str(exc) and "\n" not in str(exc)
        assert failures >= 2
        assert store.notes(first.id) == "kept notes" and store.callback(first.id)["name"].value == "Kept"
        assert store.get(first.id).listened
        filler.unlink()  # space again: the same store works, nothing was lost
        store.set_notes(first.id, "after")
        assert store.notes(first.id) == "after" and store.get(first.id).listened
        store.close()
        conn = sqlite3.connect(fs / "lib.sqlite3")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


def test_export_to_a_full_disk_keeps_the_old_file(tmp_path, tone_factory):
    store = _library(tmp_path / "lib.sqlite3", tmp_path / "v", tone_factory)
    store.close()
    with tiny_fs(tmp_path / "fs", size="64k") as fs:
        old = fs / "notes.txt"
        old.write_text("the previous export\n")
        fill(fs)
        done = _cli("export", "--db", str(tmp_path / "lib.sqlite3"), "--out", str(old))
        assert done.returncode == 1
        assert "No space left on device" in _one_line(done.stderr)
        assert old.read_text() == "the previous export\n"
        assert sorted(p.name for p in fs.iterdir()) == ["filler", "notes.txt"]  # no temp file left behind


def test_unwritable_export_path_and_data_dir(tmp_path, tone_factory):
    store = _library(tmp_path / "lib.sqlite3", tmp_path / "v", tone_factory)
    store.close()
    locked = tmp_path / "locked"
    (locked / "exports").mkdir(parents=True)
    (locked / "exports" / "notes.txt").write_text("old\n")
    with read_only(locked) as how:
        if how == "chmod" and os.geteuid() == 0:
            pytest.skip("root without a read-only mount ignores permissions")
        done = _cli("export", "--db", str(tmp_path / "lib.sqlite3"), "--out", str(locked / "exports" / "notes.txt"))
        assert done.returncode == 1 and "Cannot write" in _one_line(done.stderr)
        done = _cli("export", "--db", str(tmp_path / "lib.sqlite3"), "--out", str(locked / "new" / "notes.txt"))
        assert done.returncode == 1 and "Cannot write" in _one_line(done.stderr)
        env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(locked / "data"), "XDG_CONFIG_HOME": str(tmp_path / "c")}
        done = _cli("scan", "--source", str(tmp_path / "v"), **env)  # the default library folder cannot be made
        assert done.returncode == 1 and "library" in _one_line(done.stderr).lower()
        done = _cli("scan", "--db", str(locked / "exports" / "lib.sqlite3"), "--source", str(tmp_path / "v"))
        assert done.returncode == 1 and "library" in _one_line(done.stderr).lower()
    assert (locked / "exports" / "notes.txt").read_text() == "old\n"


async def test_the_app_keeps_running_when_the_export_path_is_unwritable(make_app, store, tmp_path, tone_folder,
                                                                         null_config):
    with tiny_fs(tmp_path / "fs", size="64k") as fs:
        (fs / "notes.txt").write_text("old\n")
        fill(fs)
        config = replace(null_config, export=ExportConfig(path=str(fs / "notes.txt")))
        app = make_app([tone_folder], config=config)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.press("x")
            await pilot.pause(0.2)
            assert app.is_running and len(app.screen_stack) == 1
            errors = [n for n in app._notifications if n.severity == "error"]
            assert errors and "No space left on device" in str(errors[-1].message)
        assert (fs / "notes.txt").read_text() == "old\n"


async def test_the_app_keeps_running_when_the_library_disk_is_full(tmp_path, tone_factory, null_config):
    from tui.app.app import VoicemailApp

    with tiny_fs(tmp_path / "fs") as fs:
        store = _library(fs / "lib.sqlite3", tmp_path / "v", tone_factory)
        before = {m.id: m for m in store.messages()}
        app = VoicemailApp(store=store, config=null_config, sources=[tmp_path / "v"], scan_on_start=False)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await wait_for(pilot, lambda: app.player is not None, what="audio output")
            fill(fs)
            await pilot.press("enter")  # plays to the end; saving progress fails
            await wait_for(pilot, lambda: app.player.snapshot().state == "ended", what="end")
            await pilot.press("c", "enter")  # mark called back: fails
            await pilot.pause(0.3)
            assert app.is_running
            assert any(n.severity == "error" and "full" in str(n.message) for n in app._notifications)
        after = {m.id: m for m in store.messages()}
        assert after.keys() == before.keys()
        store.close()
