"""The folder watcher on a real Maildir (and its Maildir++ folders) and an mbox file, with real
inotify: a delivered mail is reported from new/ and the scan of what was reported imports it.
Waits are generous deadlines, never timing assertions."""

from __future__ import annotations

from pathlib import Path

from tests.importers.test_watch import DEADLINE_S, Recorder
from tests.mail.mailkit import WHEN, build, wav_bytes, write_maildir, write_mbox
from tui.library.scan import scan
from tui.library.watch import FolderWatcher


def _mail(i: int, number: str):
    return build("New Voice Message from Lee Park (" + number + ")", "", audio=wav_bytes(0.3, 200 + i),
                 message_id=f"<w{i}@pbx.example.com>", when=WHEN)


def test_a_mail_delivered_to_new_is_reported_and_imported(tmp_path, store):
    box = tmp_path / "Maildir"
    write_maildir(box, [])
    write_maildir(box, [], folder="Voicemail")
    scan(store, [box])
    recorder = Recorder()
    with FolderWatcher([box], recorder, settle_s=0.3) as watcher:
        assert watcher.wait_ready(DEADLINE_S)
        [first] = write_maildir(box, [_mail(1, "3125550177")])  # tmp/ then new/, as a delivery agent does
        assert first.parent.name == "new"
        recorder.wait_for(first)
        [second] = write_maildir(box, [_mail(2, "4155550199")], folder="Voicemail")
        recorder.wait_for(second)
    # a delivery still in tmp/ is never imported, whatever the watcher saw of it
    assert not any("tmp" in path.relative_to(box).parts and path.exists() for path in recorder.all_paths())
    report = scan(store, [box], only={str(p) for p in recorder.all_paths()})
    assert sorted(report.new) == sorted([str(first), str(second)])
    assert {m.caller_number for m in store.messages()} == {"+13125550177", "+14155550199"}


def test_an_mbox_file_source_is_watched(tmp_path, store):
    mbox = tmp_path / "voicemail.mbox"
    write_mbox(mbox, [_mail(1, "3125550177")])
    scan(store, [mbox])
    recorder = Recorder()
    with FolderWatcher([mbox], recorder, settle_s=0.3) as watcher:
        assert watcher.wait_ready(DEADLINE_S)
        assert watcher.watching == [Path(mbox)]
        write_mbox(mbox, [_mail(2, "4155550199")])
        recorder.wait_for(mbox)
    report = scan(store, [mbox], only={str(mbox)})
    assert len(report.new) == 1 and report.unchanged == 1
