"""Maildir and mbox sources through the real scanner and SQLite library: one message per mail with
audio, read-only, identity across a sync tool's flag rename, the extracted-audio cache, error rows."""

from __future__ import annotations

import os
import tracemalloc
from datetime import timedelta
from pathlib import Path

from tests.hardening.rofs import manifest
from tests.mail.mailkit import WHEN, build, wav_bytes, write_maildir, write_mbox
from tui.library.mail import cache
from tui.library.mail.sources import mbox_mails
from tui.library.models import State
from tui.library.scan import scan

FREEPBX = 'There is a new voicemail in mailbox 6000:\n\n\tFrom:\t"{name}" <{number}>\n\tLength:\t0:04 seconds\n'


def _mail(i: int, *, name="Dana Whitfield", number="2065550143", audio=None, **kw):
    return build("PBX Voicemail Notification", FREEPBX.format(name=name, number=number),
                 audio=audio if audio is not None else wav_bytes(0.4, 300 + 10 * i),
                 message_id=f"<vm-{i}@pbx.example.com>", when=WHEN + timedelta(minutes=i), **kw)


def test_maildir_mails_with_audio_are_messages_and_nothing_is_written(tmp_path, store):
    box = tmp_path / "Maildir"
    write_maildir(box, [_mail(1), build("Lunch?", "from 2065550143")])
    write_maildir(box, [_mail(2, name="Lee Park", number="3125550177")], folder="Voicemail")  # Maildir++
    before = manifest(box)
    report = scan(store, [box])
    assert len(report.new) == 2 and not report.unreadable
    messages = {m.caller_name: m for m in store.messages()}
    assert set(messages) == {"Dana Whitfield", "Lee Park"}
    dana = messages["Dana Whitfield"]
    assert dana.caller_number == "+12065550143" and dana.layout == "maildir"
    assert dana.received_at == WHEN + timedelta(minutes=1)
    assert "/new/" in dana.path and Path(dana.path).parent.parent == box
    assert Path(dana.audio).parent == cache.folder_for(store.path)  # never beside the mail
    assert Path(dana.audio).read_bytes() == wav_bytes(0.4, 310)
    assert dana.duration_s is not None and abs(dana.duration_s - 0.4) < 0.05
    assert manifest(box) == before  # nothing renamed, moved out of new/, flagged or added
    rescan = scan(store, [box])
    assert rescan.new == [] and rescan.unchanged == 2 and manifest(box) == before


def test_a_flag_rename_keeps_the_message_and_its_state(tmp_path, store):
    box = tmp_path / "Maildir"
    [path] = write_maildir(box, [_mail(1)])
    scan(store, [box])
    [message] = store.messages()
    store.record_progress(message.id, heard=[(0.0, message.duration_s)], position_s=message.duration_s,
                          reached_end=True, threshold=0.97)
    store.set_notes(message.id, "call after 3")
    # what mbsync/offlineimap do when the mail is read elsewhere: new/ -> cur/ with :2,S
    seen = box / "cur" / (path.name + ":2,S")
    os.rename(path, seen)
    report = scan(store, [box])
    assert report.new == [] and report.moved == [str(seen)]
    [after] = [m for m in store.messages() if not m.missing]
    assert after.id == message.id and after.state is State.LISTENED and after.path == str(seen)
    assert store.notes(after.id) == "call after 3"


def test_identical_audio_in_two_mails_stays_two_messages(tmp_path, store):
    box = tmp_path / "Maildir"
    silence = wav_bytes(0.3, 0)
    write_maildir(box, [_mail(1, audio=silence), _mail(2, audio=silence, name="Lee Park", number="3125550177")])
    scan(store, [box])
    messages = store.messages()
    assert len(messages) == 2 and len({m.id for m in messages}) == 2
    assert len({m.audio for m in messages}) == 1  # one cached copy of the one recording
    assert len(list(cache.folder_for(store.path).iterdir())) == 1


def test_cache_is_cleaned_when_the_mail_is_gone(tmp_path, store):
    box = tmp_path / "Maildir"
    first, second = write_maildir(box, [_mail(1), _mail(2)])
    scan(store, [box])
    audio = {m.caller_name and m.path: m.audio for m in store.messages()}
    gone = audio[str(first)]
    old = os.stat(gone).st_mtime - cache.GRACE_S - 5
    for path in audio.values():
        os.utime(path, (old, old))
    first.unlink()
    report = scan(store, [box])
    assert report.missing == [str(first)]
    assert not os.path.exists(gone) and os.path.exists(audio[str(second)])


def test_an_undecodable_attachment_is_an_error_row_with_its_caller_id(tmp_path, store):
    box = tmp_path / "Maildir"
    write_maildir(box, [_mail(1, audio=b"RIFF\x00\x00\x00\x00WAVEjunk" * 10)])
    report = scan(store, [box])
    assert len(report.unreadable) == 1
    [message] = store.messages()
    assert message.state is State.ERROR and not message.error_transient
    assert message.caller_number == "+12065550143" and message.caller_name == "Dana Whitfield"


def test_mbox_messages_appended_mail_and_unchanged_rescan(tmp_path, store):
    mbox = tmp_path / "voicemail.mbox"
    write_mbox(mbox, [_mail(1), build("Newsletter", "no audio here"), _mail(2, name="Lee Park", number="3125550177")])
    report = scan(store, [mbox])
    assert len(report.new) == 2 and all(p.startswith(f"{mbox}/@") for p in report.new)
    assert {m.caller_name for m in store.messages()} == {"Dana Whitfield", "Lee Park"}
    assert all(m.layout == "mbox" for m in store.messages())
    again = scan(store, [mbox])
    assert again.new == [] and again.unchanged == 2
    write_mbox(mbox, [_mail(3, name="Priya Raman", number="4155550199")])
    third = scan(store, [mbox])
    assert len(third.new) == 1 and third.missing == []
    assert {m.caller_name for m in store.messages()} == {"Dana Whitfield", "Lee Park", "Priya Raman"}


def test_mbox_read_one_mail_at_a_time(tmp_path):
    """A 27 MB mbox is never held in memory: the reader's peak stays near one mail."""
    mbox = tmp_path / "big.mbox"
    mail = _mail(1, audio=os.urandom(200_000)).as_bytes()
    with open(mbox, "wb") as out:
        for i in range(100):
            out.write(b"From pbx@example.com Mon Mar  2 15:04:05 2026\n" + mail + b"\n")
    assert mbox.stat().st_size > 20_000_000
    tracemalloc.start()
    count = sum(1 for _offset, data in mbox_mails(str(mbox), max_mail_bytes=1 << 24) if data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 100
    assert peak < 8 * len(mail) < mbox.stat().st_size / 10  # a few copies of one mail (lines, joined), not the mbox


def test_mbox_mail_offsets_and_from_quoting(tmp_path):
    mbox = tmp_path / "box"
    mbox.write_bytes(b"From a Mon Mar  2 15:04:05 2026\nSubject: one\n\n>From the start\nFrom inside\n\n"
                     b"From b Mon Mar  2 15:05:05 2026\nSubject: two\n\nbody\n")
    mails = list(mbox_mails(str(mbox), max_mail_bytes=1000))
    assert [offset for offset, _ in mails] == [0, mbox.read_bytes().index(b"From b")]
    assert b"From the start\nFrom inside" in mails[0][1]  # mboxrd quoting undone; no blank line before: no split


def test_a_large_mbox_imports_without_holding_it_in_memory(tmp_path, store):
    base = wav_bytes(8.0, 440)  # 128 kB of audio per mail
    mbox = tmp_path / "big.mbox"
    mails = [_mail(i, audio=base[:44] + i.to_bytes(2, "little") + base[46:]) for i in range(120)]
    write_mbox(mbox, mails)
    size = mbox.stat().st_size
    assert size > 20_000_000
    tracemalloc.start()
    report = scan(store, [mbox])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(report.new) == 120 and not report.unreadable
    assert peak < size / 4


def test_damaged_base64_and_a_too_short_attachment_are_error_rows_that_name_the_caller(tmp_path, store):
    box = tmp_path / "Maildir"
    mail = _mail(1)
    [attachment] = [part for part in mail.walk() if part.get_content_type() == "audio/x-wav"]
    attachment.set_payload("UklGRi@@@@not*base64*at*all====\n")  # keeps Content-Transfer-Encoding: base64
    empty = _mail(2, name="Lee Park", number="3125550177", audio=b"")
    write_maildir(box, [mail, empty])
    report = scan(store, [box])
    assert len(report.unreadable) == 2 and not report.retrying
    errors = {m.caller_name: m.error for m in store.messages()}
    assert set(errors) == {"Dana Whitfield", "Lee Park"} and all(errors.values())
    assert "empty" in errors["Lee Park"]


def test_mail_without_audio_is_not_parsed_again_while_unchanged(tmp_path, store):
    box = tmp_path / "Maildir"
    [voicemail, note] = write_maildir(box, [_mail(1), build("Lunch?", "no audio")])
    scan(store, [box])
    assert set(store.mail_seen()) == {str(note)}
    note.write_bytes(note.read_bytes().replace(b"Lunch?", b"Lunch!"))  # as if it were (never by us)
    os.utime(note, ns=(1, 1))
    scan(store, [box])
    assert store.mail_seen()[str(note)] == (note.stat().st_size, 1)  # read again, still no audio
    note.unlink()
    scan(store, [box])
    assert store.mail_seen() == {}


def test_a_library_of_schema_7_migrates(tmp_path):
    import sqlite3

    from tui.library.store import MIGRATIONS, Store

    db = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(db)
    for script in MIGRATIONS[:7]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 7")
    conn.execute("INSERT INTO messages(id, path, layout, received_at, received_ts) "
                 "VALUES ('m1', '/v/a.wav', 'plain', '2026-01-01T00:00:00+00:00', 0)")
    conn.execute("INSERT INTO files(path, message_id, size, mtime_ns, root) VALUES ('/v/a.wav', 'm1', 1, 1, '/v')")
    conn.commit()
    conn.close()
    store = Store(db)
    assert store.schema_version() == 8
    [message] = store.messages()
    assert message.audio_path is None and message.audio == "/v/a.wav"
    assert store.mail_seen() == {}
    assert store.note_zone("") is False  # its times were read in this machine's zone: nothing to re-read
    assert store.note_zone("America/New_York") is True and store.files()["/v/a.wav"].retry is False  # mtime-timed
    store.close()


def test_mime_nested_thousands_deep_is_a_content_error_not_a_crash(tmp_path, store):
    head = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(3000))
    mail = (b"Subject: Voicemail from 2065550143\nMessage-ID: <deep@x>\n" + head
            + b"Content-Type: audio/x-wav; name=a.wav\nContent-Transfer-Encoding: base64\n\nUklGRg==\n")
    mbox = tmp_path / "deep.mbox"
    mbox.write_bytes(b"From pbx Mon Mar  2 15:04:05 2026\n" + mail)
    report = scan(store, [mbox])
    assert [reason for _path, reason in report.unreadable] == ["the mail's parts are nested too deeply"]
    assert not report.retrying


def test_nested_maildirs_of_mbsyncs_verbatim_layout_are_read(tmp_path, store):
    box = tmp_path / "Mail" / "INBOX"
    write_maildir(box, [_mail(1)])
    write_maildir(box / "Voicemail", [_mail(2, name="Lee Park", number="3125550177")])  # INBOX/Voicemail/cur
    write_maildir(box / "Archive" / "2026", [_mail(3, name="Priya Raman", number="4155550199")])
    report = scan(store, [box])
    assert len(report.new) == 3
    assert {m.caller_name for m in store.messages()} == {"Dana Whitfield", "Lee Park", "Priya Raman"}
