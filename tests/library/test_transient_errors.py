"""Issue #16: only a file's content makes a lasting error row; other failures heal on the next scan.

The failures are injected where they really happen: the header reader raising (RuntimeError as
the import race did, OSError EIO as a failing disk does), an importer raising, ffprobe absent
from PATH. Each time the file's size and mtime stay the same, so only the retry mark brings it back.
"""

from __future__ import annotations

import errno
import os
import sqlite3

from tui.library import header
from tui.library import scan as scan_module
from tui.library.importers import plain
from tui.library.models import State
from tui.library.scan import content_id, scan
from tui.library.store import SCHEMA_VERSION, Store

RACE = "deadlock detected by _ModuleLock('mutagen.id3._util') at 0x7f00"


def _fail_once(monkeypatch, suffix: str, exc: BaseException) -> list[str]:
    """The header reader for `suffix` raises `exc` on its first call, then reads for real."""
    real = header._MUTAGEN[suffix]
    calls: list[str] = []

    def reader(path):
        calls.append(str(path))
        if len(calls) == 1:
            raise exc
        return real(path)

    monkeypatch.setitem(header._MUTAGEN, suffix, reader)
    return calls


def _one(store, name):
    return next(m for m in store.messages() if os.path.basename(m.path) == name)


def test_a_failure_on_first_read_is_transient_and_the_rescan_heals_it(store, tmp_path, tone_factory, monkeypatch):
    folder = tmp_path / "v"
    mp3 = tone_factory(folder / "2026-11-21 10.00.00 +13125550111.mp3", 6.0)
    tone_factory(folder / "2026-11-20 09.00.00 +12065550100.wav", 2.0)
    calls = _fail_once(monkeypatch, ".mp3", RuntimeError(RACE))

    report = scan(store, [folder])
    broken = _one(store, mp3.name)
    assert broken.state is State.ERROR and broken.error_transient
    assert "RuntimeError" in broken.error and "deadlock" in broken.error
    assert broken.caller_number == "+13125550111"
    assert store.files()[str(mp3)].retry
    assert report.retrying == {str(mp3)}
    item = next(i for i in report.as_json()["unreadable"] if i["path"] == str(mp3))
    assert item["kind"] == "transient" and item["will_retry"] is True
    assert "(1 will retry)" in report.summary()
    assert store.error_counts() == (0, 1)

    report = scan(store, [folder])  # same size, same mtime: read again all the same
    assert calls == [str(mp3), str(mp3)]
    healed = store.get(broken.id)
    assert healed.state is State.NEW and healed.error is None and not healed.error_transient
    assert abs(healed.duration_s - 6.0) < 0.3
    assert report.unreadable == [] and not report.retrying
    assert not store.files()[str(mp3)].retry
    assert store.error_counts() == (0, 0)

    read = []
    monkeypatch.setattr(scan_module, "content_id", lambda *a: read.append(a) or content_id(*a))
    report = scan(store, [folder])
    assert read == [] and report.unchanged == 2, "a healed file costs one stat again"


def test_an_io_error_on_a_changed_file_keeps_the_message_and_its_state(store, tmp_path, tone_factory, monkeypatch):
    folder = tmp_path / "v"
    mp3 = tone_factory(folder / "2026-11-21 10.00.00 +13125550111.mp3", 6.0)
    os.utime(mp3, ns=(10**18, 10**18))
    scan(store, [folder])
    message = _one(store, mp3.name)
    store.record_progress(message.id, heard=[(0, 2.5)], position_s=2.5, reached_end=False, threshold=0.97)
    store.set_notes(message.id, "call before 5")
    os.utime(mp3, ns=(2 * 10**18, 2 * 10**18))  # touched by a sync tool: read again
    _fail_once(monkeypatch, ".mp3", OSError(errno.EIO, "Input/output error"))

    report = scan(store, [folder])
    assert report.unreadable == [(str(mp3), "file not readable (Input/output error)")]
    assert report.as_json()["unreadable"][0]["kind"] == "transient"
    kept = store.get(message.id)
    assert kept.state is State.PARTIAL and kept.error is None, "a good message is not spoiled by a read error"
    assert store.files()[str(mp3)].retry

    scan(store, [folder])
    after = store.get(message.id)
    assert after.state is State.PARTIAL and after.heard == ((0, 2.5),) and store.notes(message.id) == "call before 5"
    assert not store.files()[str(mp3)].retry


def test_mutagen_wrapping_an_os_error_is_transient(store, tmp_path, tone_factory, monkeypatch):
    from mutagen import MutagenError

    folder = tmp_path / "v"
    ogg = tone_factory(folder / "a.ogg", 1.0)

    def wrapped(path):
        try:
            raise OSError(errno.EMFILE, "Too many open files")
        except OSError as exc:
            raise MutagenError(exc) from exc

    monkeypatch.setitem(header._MUTAGEN, ".ogg", wrapped)
    scan(store, [folder])
    row = _one(store, ogg.name)
    assert row.error == "file not readable (Too many open files)" and row.error_transient


def test_content_errors_are_final_and_cost_one_stat(store, tmp_path, monkeypatch):
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "text.mp3").write_bytes(b"hello, this is not audio at all" * 50)
    (folder / "zero.m4a").write_bytes(b"")
    report = scan(store, [folder])
    assert {i["kind"] for i in report.as_json()["unreadable"]} == {"content"}
    assert all(i["will_retry"] is False for i in report.as_json()["unreadable"])
    assert all(m.state is State.ERROR and not m.error_transient for m in store.messages())
    assert store.error_counts() == (2, 0)
    read = []
    monkeypatch.setattr(scan_module, "content_id", lambda *a: read.append(a) or "x")
    assert scan(store, [folder]).unchanged == 2 and read == []


def test_an_importer_bug_is_ours_not_the_file(store, tmp_path, tone_factory, monkeypatch):
    folder = tmp_path / "v"
    wav = tone_factory(folder / "2026-11-20 09.00.00 +12065550100.wav", 1.0)
    real = plain.read
    calls = []

    def read(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError()
        return real(*args, **kwargs)

    monkeypatch.setattr(plain, "read", read)
    scan(store, [folder])
    row = _one(store, wav.name)
    assert row.error_transient and row.error.startswith("metadata unreadable (MemoryError")
    scan(store, [folder])
    assert _one(store, wav.name).state is State.NEW and len(calls) == 2


def test_ffprobe_missing_is_transient_until_it_is_installed(store, tmp_path, tone_factory, monkeypatch):
    folder = tmp_path / "v"
    wma = folder / "call.wma"
    tone_factory(tmp_path / "src.wav", 1.0)
    import subprocess

    folder.mkdir()
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(tmp_path / "src.wav"), "-c:a", "wmav2",
                    "-f", "asf", str(wma)], check=True)
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    report = scan(store, [folder])
    row = _one(store, wma.name)
    assert row.error_transient and "without ffprobe" in row.error
    assert report.as_json()["unreadable"][0]["kind"] == "transient"
    monkeypatch.setenv("PATH", path)
    scan(store, [folder])
    assert _one(store, wma.name).state is State.NEW


def test_the_watchers_scan_retries_transient_files_too(store, tmp_path, tone_factory, monkeypatch):
    folder = tmp_path / "v"
    mp3 = tone_factory(folder / "a.mp3", 1.0)
    _fail_once(monkeypatch, ".mp3", RuntimeError(RACE))
    scan(store, [folder])
    assert _one(store, mp3.name).error_transient
    other = tone_factory(folder / "b.wav", 1.0)
    report = scan(store, [folder], only={str(other)})  # the watcher saw only b.wav
    assert _one(store, mp3.name).state is State.NEW
    assert report.unreadable == []


def test_migration_marks_old_race_and_io_errors_transient_and_the_scan_heals_them(tmp_path, tone_factory):
    from tui.library import store as store_module

    folder = tmp_path / "v"
    mp3 = tone_factory(folder / "a.mp3", 2.0)
    bad = folder / "b.mp3"
    bad.write_bytes(b"not audio" * 100)
    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path)
    for number in range(2):
        for statement in store_module._statements(store_module.MIGRATIONS[number]):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    rows = [(mp3, f"not a readable mp3 file ({RACE})"), (bad, "not a readable mp3 file (can't sync to MPEG frame)")]
    for file, error in rows:
        st = file.stat()
        message_id = content_id(str(file), st.st_size)
        conn.execute("INSERT INTO files(path, message_id, size, mtime_ns, root) VALUES (?, ?, ?, ?, ?)",
                     (str(file), message_id, st.st_size, st.st_mtime_ns, str(folder)))
        conn.execute("INSERT INTO messages(id, path, layout, received_at, received_ts, error, notes) "
                     "VALUES (?, ?, 'plain', '2026-11-03T15:27:39+00:00', 1793719659, ?, 'keep me')",
                     (message_id, str(file), error))
    conn.commit()
    conn.close()

    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION >= 3
    files = store.files()
    assert files[str(mp3)].retry and not files[str(bad)].retry
    assert _one(store, mp3.name).error_transient and not _one(store, bad.name).error_transient
    scan(store, [folder])  # the first scan after the upgrade reads every file once (identity, migration 6)
    healed = _one(store, mp3.name)
    assert healed.state is State.NEW and healed.error is None and store.notes(healed.id) == "keep me"
    report = scan(store, [folder])
    assert report.unreadable == [] and report.unchanged == 2  # b.mp3's verdict on its bytes stands: not read again
    still = _one(store, bad.name)
    assert still.error == rows[1][1] and not still.error_transient
    store.close()


def test_a_sidecar_that_could_not_be_read_is_read_again(store, tmp_path, tone_factory, monkeypatch):
    folder = tmp_path / "v"
    wav = tone_factory(folder / "2026-11-20 09.00.00 +12065550100.wav", 1.0)
    (folder / "2026-11-20 09.00.00 +12065550100.json").write_text('{"caller_id_name": "Dana Whitfield"}')
    real = plain.read_limited
    calls = []

    def read_limited(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(errno.EIO, "Input/output error")
        return real(*args, **kwargs)

    monkeypatch.setattr(plain, "read_limited", read_limited)
    scan(store, [folder])
    first = _one(store, wav.name)
    assert first.state is State.NEW and first.caller_name is None  # the audio is fine; its name is not known yet
    assert store.files()[str(wav)].retry
    scan(store, [folder])
    assert _one(store, wav.name).caller_name == "Dana Whitfield"
    assert not store.files()[str(wav)].retry
