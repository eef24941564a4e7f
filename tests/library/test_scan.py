import json
import os
import shutil

import pytest

from tests.privileges import python_obeying_permissions
from tui.library import scan as scan_module
from tui.library.models import State
from tui.library.scan import scan


def test_scan_samples(store, samples_copy, truth):
    report = scan(store, [samples_copy])
    audio = [t for t in truth]
    assert len(report.new) == len(audio)
    messages = store.messages()
    assert len(messages) == len(audio)
    errors = [m for m in messages if m.state is State.ERROR]
    assert [os.path.basename(m.path) for m in errors] == ["2026-11-08 11.20.45 +19495550170.m4a"]
    assert "0 bytes" in errors[0].error
    assert errors[0].caller_number == "+19495550170"  # caller ID kept on the error row
    by_path = {os.path.relpath(m.path, samples_copy): m for m in messages}
    for item in truth:
        if item["duration_s"]:
            message = by_path[item["path"]]
            assert message.duration_s == pytest.approx(item["duration_s"], abs=0.35)
    # newest first
    stamps = [m.received_at.timestamp() for m in messages]
    assert stamps == sorted(stamps, reverse=True)


def test_rescan_of_unchanged_folder_reads_no_audio(store, samples_copy, monkeypatch):
    scan(store, [samples_copy])
    calls = []
    monkeypatch.setattr(scan_module, "content_id", lambda *a: calls.append(a) or "x")
    report = scan(store, [samples_copy])
    assert calls == []
    assert report.new == [] and report.changed == [] and report.missing == []
    assert report.unchanged == len(store.messages())


def test_rename_and_move_keep_state(store, samples_copy):
    scan(store, [samples_copy])
    source = samples_copy / "plain" / "Voicemail 3.wav"
    message = next(m for m in store.messages() if m.path == str(source))
    store.record_progress(message.id, heard=[(0, 5)], position_s=5, reached_end=False, threshold=0.97)
    store.set_notes(message.id, "recruiter?")
    target = samples_copy / "moved" / "renamed.wav"
    target.parent.mkdir()
    shutil.move(source, target)
    report = scan(store, [samples_copy])
    assert report.moved == [str(target)], report
    after = store.get(message.id)
    assert after.path == str(target) and not after.missing
    assert after.heard == ((0, 5),) and store.notes(message.id) == "recruiter?"


def test_delete_marks_missing_and_restore_brings_it_back(store, samples_copy):
    scan(store, [samples_copy])
    path = samples_copy / "plain" / "Voicemail 3.wav"
    keep = path.read_bytes()
    message_id = next(m.id for m in store.messages() if m.path == str(path))
    store.mark_called_back(message_id, "done")
    path.unlink()
    report = scan(store, [samples_copy])
    assert report.missing == [str(path)]
    assert store.get(message_id).missing
    path.write_bytes(keep)
    scan(store, [samples_copy])
    restored = store.get(message_id)
    assert not restored.missing and restored.state is State.CALLED_BACK


def test_changed_content_replaces_an_error_row(store, tmp_path, tone_factory):
    folder = tmp_path / "v"
    folder.mkdir()
    broken = folder / "msg.wav"
    broken.write_bytes(b"")
    scan(store, [folder])
    assert [m.state for m in store.messages()] == [State.ERROR]
    tone_factory(tmp_path / "tone.wav", 1.0)
    shutil.copy(tmp_path / "tone.wav", broken)
    os.utime(broken, ns=(1, 10**18))
    report = scan(store, [folder])
    assert report.changed == [str(broken)]
    messages = store.messages()
    assert [m.state for m in messages] == [State.NEW], "the stale error row is gone"


def test_nasty_files_become_error_rows(store, tmp_path, tone_factory):
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "zero.mp3").write_bytes(b"")
    (folder / "text.mp3").write_bytes(b"hello, this is not audio at all" * 50)
    (folder / "truncated.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    tone_factory(folder / "fine.ogg", 1.0)
    os.mkfifo(folder / "pipe.wav")
    (folder / "loop").symlink_to(folder)
    (folder / ".syncthing.fine.ogg.tmp").write_bytes(b"partial")
    (folder / "notes.txt").write_text("not audio")
    report = scan(store, [folder])
    states = {os.path.basename(m.path): m for m in store.messages()}
    assert set(states) == {"zero.mp3", "text.mp3", "truncated.wav", "fine.ogg"}
    assert states["fine.ogg"].state is State.NEW
    for name in ("zero.mp3", "text.mp3", "truncated.wav"):
        assert states[name].state is State.ERROR and states[name].error, name
    assert len(report.unreadable) == 3


def test_unreadable_folder_is_reported(tmp_path, tone_factory):
    """Runs in a child without root's permission bypass, so it holds in CI (root) too."""
    tone_factory(tmp_path / "v" / "2026-11-02 10.00.00 +12065550123.wav", 0.5)
    folder = tmp_path / "v" / "locked"
    tone_factory(folder / "2026-11-02 11.00.00 +12065550124.wav", 0.5)
    folder.chmod(0)
    code = ("import json, sys\n"
            "from tui.library.scan import scan\n"
            "from tui.library.store import Store\n"
            "report = scan(Store(sys.argv[1]), [sys.argv[2]])\n"
            "print(json.dumps({'unreadable': report.unreadable, 'new': len(report.new)}))")
    try:
        done = python_obeying_permissions(code, str(tmp_path / "lib.sqlite3"), str(tmp_path / "v"))
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [path for path, reason in report["unreadable"] if "not readable" in reason] == [str(folder)]
    assert report["new"] == 1  # the readable message beside it is still found


def test_missing_root_is_reported_not_fatal(store, tmp_path):
    report = scan(store, [tmp_path / "nope"])
    assert report.unreadable == [(str(tmp_path / "nope"), "folder not found")]


def test_unusual_names(store, tmp_path, tone_factory):
    folder = tmp_path / "v"
    tone_factory(folder / "Zoë O'Brien – Voicemail.m4a", 1.0)
    odd = os.fsencode(str(folder)) + b"/caf\xe9-[b]bold[b].wav"
    shutil.copy(tone_factory(tmp_path / "t.wav", 1.0), odd)
    scan(store, [folder])
    assert sorted(m.state for m in store.messages()) == [State.NEW, State.NEW]


def test_scan_never_writes_sources(store, samples_copy):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in samples_copy.rglob("*") if p.is_file()}
    for folder, _, _ in os.walk(samples_copy):
        os.chmod(folder, 0o555)
    try:
        scan(store, [samples_copy])
        scan(store, [samples_copy])
    finally:
        for folder, _, _ in os.walk(samples_copy):
            os.chmod(folder, 0o755)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in samples_copy.rglob("*") if p.is_file()}
    assert before == after
