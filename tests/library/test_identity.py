"""Message identity on real fixtures: audio hash + the source's own key.

The Asterisk message files are wazo-calld's (../shared/peer-fixtures/asterisk): two of them
(default/8000 msg0000 and multitenant-1/8001 msg0000) have the same caller and origtime but
different msg_id. wazo ships byte-identical placeholder audio for several messages, which is
what the tests do here with one real tone.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.corpus import PEER_FIXTURES
from tui.library import identity
from tui.library import store as store_module
from tui.library.models import State
from tui.library.scan import content_id, scan
from tui.library.store import SCHEMA_VERSION, Store

PEER = PEER_FIXTURES  # ../shared/peer-fixtures (tests/corpus.py); required, never skipped
WAZO_A = PEER / "asterisk" / "wazo-calld__default__8000__INBOX__msg0000.txt"
WAZO_B = PEER / "asterisk" / "wazo-calld__multitenant-1__8001__INBOX__msg0000.txt"



def _msg_id(txt: Path) -> str:
    return next(line.split("=", 1)[1] for line in txt.read_text().splitlines() if line.startswith("msg_id="))


@pytest.fixture
def tone(tmp_path, tone_factory) -> bytes:
    return tone_factory(tmp_path / "tone.wav", 2.0, freq=523).read_bytes()


def _spool(root: Path, tone: bytes) -> tuple[Path, Path]:
    """wazo's two spool folders, each message with the same audio bytes."""
    a = root / "default" / "8000" / "INBOX"
    b = root / "multitenant-1" / "8001" / "INBOX"
    for folder, txt in ((a, WAZO_A), (b, WAZO_B)):
        folder.mkdir(parents=True)
        shutil.copyfile(txt, folder / "msg0000.txt")
        (folder / "msg0000.wav").write_bytes(tone)
    return a / "msg0000.wav", b / "msg0000.wav"


def test_fixtures_are_what_the_test_needs() -> None:
    assert _msg_id(WAZO_A) != _msg_id(WAZO_B)
    same = [line for line in WAZO_A.read_text().splitlines() if line.startswith(("callerid=", "origtime="))]
    assert same == [line for line in WAZO_B.read_text().splitlines() if line.startswith(("callerid=", "origtime="))]


def test_identical_audio_different_msg_id_is_two_messages(store, tmp_path, tone) -> None:
    a, b = _spool(tmp_path / "spool", tone)
    report = scan(store, [tmp_path / "spool"])
    assert sorted(report.new) == sorted([str(a), str(b)]) and report.same_as == []
    messages = {m.path: m for m in store.messages()}
    assert set(messages) == {str(a), str(b)}
    assert messages[str(a)].id != messages[str(b)].id
    # Each has its own state.
    store.record_progress(messages[str(a)].id, heard=[(0, 2.0)], position_s=2.0, reached_end=True, threshold=0.97)
    store.set_notes(messages[str(b)].id, "tenant 1")
    after = {m.path: m for m in store.messages()}
    assert after[str(a)].state is State.LISTENED and after[str(b)].state is State.NEW
    assert store.notes(after[str(a)].id) == "" and store.notes(after[str(b)].id) == "tenant 1"


def test_backed_up_copy_is_the_same_message_and_scan_says_so(store, tmp_path, tone) -> None:
    a, b = _spool(tmp_path / "spool", tone)
    scan(store, [tmp_path / "spool"])
    first = {m.path: m.id for m in store.messages()}
    store.set_notes(first[str(a)], "call Alice")
    shutil.copytree(tmp_path / "spool", tmp_path / "backup" / "spool")
    report = scan(store, [tmp_path / "spool", tmp_path / "backup"])
    assert report.new == []
    copies = {path: other for path, other in report.same_as}
    backup_a = str(tmp_path / "backup" / "spool" / "default" / "8000" / "INBOX" / "msg0000.wav")
    backup_b = str(tmp_path / "backup" / "spool" / "multitenant-1" / "8001" / "INBOX" / "msg0000.wav")
    assert copies == {backup_a: str(a), backup_b: str(b)}
    assert report.as_json()["same_message"] == [
        {"path": path, "same_as": other} for path, other in report.same_as
    ]
    assert "2 same message as another file" in report.summary()
    assert store.count() == 2
    assert store.notes(first[str(a)]) == "call Alice"
    # The original goes away: the backup still holds the message, with its state.
    shutil.rmtree(tmp_path / "spool")
    report = scan(store, [tmp_path / "spool", tmp_path / "backup"])
    message = store.get(first[str(a)])
    assert message.path == backup_a and not message.missing and store.notes(message.id) == "call Alice"


def test_copy_without_metadata_joins_only_an_unambiguous_message(store, tmp_path, tone) -> None:
    a, _b = _spool(tmp_path / "spool", tone)
    plain = tmp_path / "phone"
    plain.mkdir()
    (plain / "copy.wav").write_bytes(tone)  # matches two keyed messages: kept apart
    report = scan(store, [tmp_path / "spool", plain])
    assert store.count() == 3
    assert str(plain / "copy.wav") in report.new
    # A copy of audio that exactly one keyed message has joins it.
    other = tmp_path / "other"
    other.mkdir()
    unique = tone[:-200] + bytes(200)
    (a.parent / "msg0000.wav").write_bytes(unique)
    (other / "same.wav").write_bytes(unique)
    report = scan(store, [tmp_path / "spool", plain, other])
    keyed = next(m for m in store.messages() if m.path == str(a) and not m.missing)
    assert (str(other / "same.wav"), str(a)) in report.same_as
    rows = store._conn().execute("SELECT message_id FROM files WHERE path = ?", (str(other / "same.wav"),)).fetchall()
    assert rows == [(keyed.id,)]


def test_same_audio_same_msg_id_in_one_folder_is_one_message_reported(store, tmp_path, tone) -> None:
    inbox = tmp_path / "spool" / "default" / "8000" / "INBOX"
    inbox.mkdir(parents=True)
    for n in (0, 1):
        shutil.copyfile(WAZO_A, inbox / f"msg000{n}.txt")
        (inbox / f"msg000{n}.wav").write_bytes(tone)
    report = scan(store, [tmp_path / "spool"])
    assert store.count() == 1
    both = {str(inbox / "msg0000.wav"), str(inbox / "msg0001.wav")}
    assert len(report.new) == 1 and len(report.same_as) == 1
    assert {report.new[0], report.same_as[0][0]} == both and report.same_as[0][1] == report.new[0]


def _version_two_library(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    for script in store_module.MIGRATIONS[:2]:
        for statement in store_module._statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    return conn


def _merged_in_version_two(tmp_path: Path, audio_hash: str, *, shown: Path, paths, layout: str, notes: str) -> Store:
    """A library from before the identity rule in which the byte-identical `paths` were one message
    (id = the audio hash) shown from `shown`, with `notes`; opened (migrated) as a Store."""
    conn = _version_two_library(tmp_path / "v2.sqlite3")
    conn.execute(
        "INSERT INTO messages(id, path, layout, received_at, received_ts, notes) "
        "VALUES (?, ?, ?, '2024-08-19T22:49:10+00:00', 1724107750, ?)", (audio_hash, str(shown), layout, notes))
    for path in paths:
        conn.execute("INSERT INTO files(path, message_id, size, mtime_ns, root) VALUES (?, ?, ?, ?, ?)",
                     (str(path), audio_hash, path.stat().st_size, path.stat().st_mtime_ns, str(tmp_path)))
    conn.commit()
    conn.close()
    return Store(tmp_path / "v2.sqlite3")


def test_migration_splits_merged_messages_and_keeps_every_state(tmp_path, tone, tone_factory) -> None:
    """A library written before the identity rule: both wazo messages were one row (id = audio hash),
    shown from tenant 1's file, listened, with notes, an edit and a transcript. A plain message too."""
    a, b = _spool(tmp_path / "spool", tone)
    plain = tone_factory(tmp_path / "phone" / "2026-01-02 10.00.00 +12025550100.wav", 1.0, freq=700)
    audio_hash = content_id(str(a), a.stat().st_size)
    plain_hash = content_id(str(plain), plain.stat().st_size)
    conn = _version_two_library(tmp_path / "v2.sqlite3")
    for message_id, path, layout, heard, listened, notes in (
        (audio_hash, str(b), "asterisk", "[[0, 2.0]]", "2026-01-05T10:00:00+00:00", "tenant one"),
        (plain_hash, str(plain), "plain", "[[0, 0.5]]", None, "plain note"),
    ):
        conn.execute(
            "INSERT INTO messages(id, path, layout, received_at, received_ts, heard, listened_at, notes, duration_s) "
            "VALUES (?, ?, ?, '2024-08-19T22:49:10+00:00', 1724107750, ?, ?, ?, 2.0)",
            (message_id, path, layout, heard, listened, notes),
        )
    for path, message_id in ((a, audio_hash), (b, audio_hash), (plain, plain_hash)):
        st = path.stat()
        conn.execute("INSERT INTO files(path, message_id, size, mtime_ns, root) VALUES (?, ?, ?, ?, ?)",
                     (str(path), message_id, st.st_size, st.st_mtime_ns, str(tmp_path)))
    conn.execute("INSERT INTO callback(message_id, field, value, provenance, confidence) "
                 "VALUES (?, 'ask_for', 'Alice', 'edited', 'high')", (audio_hash,))
    conn.execute("INSERT INTO transcripts(message_id, model, text, segments, words, created_at) "
                 "VALUES (?, 'm', 'hello', '[]', '[]', '2026-01-05T10:00:00+00:00')", (audio_hash,))
    conn.commit()
    conn.close()

    store = Store(tmp_path / "v2.sqlite3")
    try:
        assert store.schema_version() == SCHEMA_VERSION >= 3
        assert store.get(audio_hash).heard == ((0, 2.0),)  # nothing changes before a scan
        report = scan(store, [tmp_path / "spool", tmp_path / "phone"])
        assert report.changed == [] and report.same_as == []
        assert report.new == [str(a)]  # the call that had been merged into the other one
        by_path = {m.path: m for m in store.messages()}
        assert len(by_path) == 3
        kept = by_path[str(b)]  # the one that was shown (and played) keeps the state
        assert kept.id == identity.message_id(audio_hash, "asterisk:" + _msg_id(WAZO_B))
        assert kept.state is State.LISTENED and store.notes(kept.id) == "tenant one"
        assert store.callback(kept.id)["ask_for"].value == "Alice"
        assert store.transcript(kept.id).text == "hello"
        split = by_path[str(a)]
        assert split.id == identity.message_id(audio_hash, "asterisk:" + _msg_id(WAZO_A))
        assert split.state is State.NEW and store.notes(split.id) == "" and store.transcript(split.id) is None
        # The plain message (a phone's file name: time and number are its key) keeps its state.
        plain_id = identity.message_id(plain_hash, "plain:2026-01-02 10.00.00 +12025550100")
        assert by_path[str(plain)].id == plain_id and store.notes(plain_id) == "plain note"
        assert by_path[str(plain)].heard == ((0, 0.5),)
        assert report.unchanged == 2  # the adopted call and the adopted plain file
        assert store.get(audio_hash) is None and store.get(plain_hash) is None
        again = scan(store, [tmp_path / "spool", tmp_path / "phone"])
        assert again.new == again.changed == again.moved == again.same_as == [] and again.unchanged == 3
    finally:
        store.close()


def test_migration_when_the_other_copy_was_shown(tmp_path, tone) -> None:
    """The same, but the merged row was shown from the first file: the state follows that one."""
    a, b = _spool(tmp_path / "spool", tone)
    audio_hash = content_id(str(a), a.stat().st_size)
    store = _merged_in_version_two(tmp_path, audio_hash, shown=a, paths=(a, b), layout="asterisk", notes="mine")
    try:
        report = scan(store, [tmp_path / "spool"])
        assert report.new == [str(b)]
        by_path = {m.path: m for m in store.messages()}
        assert store.notes(by_path[str(a)].id) == "mine" and store.notes(by_path[str(b)].id) == ""
    finally:
        store.close()


def test_two_abandoned_calls_recorded_as_the_same_silence_stay_two(store, tmp_path) -> None:
    """A phone folder: the time and number in each name are the call's own; the audio is identical."""
    import wave

    folder = tmp_path / "phone"
    folder.mkdir()
    names = ["2026-03-01 09.15.00 +12065550100.wav", "2026-03-02 17.40.12 +13125550111.wav"]
    for name in names:
        with wave.open(str(folder / name), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(8000)
            out.writeframes(bytes(2 * 8000 * 2))  # 2 s of digital silence
    assert (folder / names[0]).read_bytes() == (folder / names[1]).read_bytes()
    report = scan(store, [folder])
    assert sorted(report.new) == sorted(str(folder / name) for name in names) and report.same_as == []
    assert store.count() == 2
    # A copy renamed without the phone's name (no metadata) matches two calls: it is not guessed into one.
    (tmp_path / "renamed").mkdir()
    shutil.copyfile(folder / names[0], tmp_path / "renamed" / "silence.wav")
    report = scan(store, [folder, tmp_path / "renamed"])
    assert report.new == [str(tmp_path / "renamed" / "silence.wav")] and store.count() == 3


def test_a_keyed_copy_of_a_keyless_message_takes_it_over(store, tmp_path, tone) -> None:
    """First the bare audio (no metadata), then the Asterisk message it came from: one message."""
    (tmp_path / "phone").mkdir()
    (tmp_path / "phone" / "voicemail.wav").write_bytes(tone)
    scan(store, [tmp_path / "phone"])
    (bare,) = store.messages()
    store.set_notes(bare.id, "heard on the train")
    a, b = _spool(tmp_path / "spool", tone)
    (b.parent / "msg0000.wav").write_bytes(tone[:-100] + bytes(100))  # only a's audio matches
    report = scan(store, [tmp_path / "phone", tmp_path / "spool"])
    assert (str(a), str(tmp_path / "phone" / "voicemail.wav")) in report.same_as
    assert store.count() == 2
    message = next(m for m in store.messages() if m.path == str(a))
    assert message.id == identity.message_id(bare.id, "asterisk:" + _msg_id(WAZO_A))
    assert message.caller_name == "Alice" and store.notes(message.id) == "heard on the train"


def test_migration_keeps_one_message_for_a_bare_copy_shown_before_its_keyed_copy(tmp_path, tone) -> None:
    a, _b = _spool(tmp_path / "spool", tone)
    shutil.rmtree(tmp_path / "spool" / "multitenant-1")
    bare = tmp_path / "phone" / "voicemail.wav"
    bare.parent.mkdir()
    bare.write_bytes(tone)
    audio_hash = content_id(str(a), a.stat().st_size)
    store = _merged_in_version_two(tmp_path, audio_hash, shown=bare, paths=(a, bare), layout="plain", notes="bare note")
    try:
        report = scan(store, [tmp_path / "spool", tmp_path / "phone"])
        assert report.new == [] and report.changed == []
        (message,) = store.messages()
        assert message.id == identity.message_id(audio_hash, "asterisk:" + _msg_id(WAZO_A))
        assert store.notes(message.id) == "bare note"
        rows = store._conn().execute("SELECT DISTINCT message_id FROM files").fetchall()
        assert rows == [(message.id,)]
    finally:
        store.close()


TESTSUITE = PEER / "asterisk" / "asterisk-testsuite__voicemail_py__create_dummy_voicemail__Urgent.txt"


def test_migration_corrects_a_number_an_older_version_made_up(tmp_path, tone) -> None:
    """`"Anonymous"<555-5555>` was stored as +15555555 (and as the number to call): it goes, the raw stays."""
    folder = tmp_path / "spool" / "default" / "1234" / "Urgent"
    folder.mkdir(parents=True)
    shutil.copyfile(TESTSUITE, folder / "msg0000.txt")
    (folder / "msg0000.wav").write_bytes(tone)
    audio_hash = content_id(str(folder / "msg0000.wav"), len(tone))
    conn = _version_two_library(tmp_path / "v2.sqlite3")
    conn.execute(
        "INSERT INTO messages(id, path, layout, received_at, received_ts, caller_number, notes) "
        "VALUES (?, ?, 'asterisk', '2011-08-09T22:05:13+00:00', 1312927513, '+15555555', 'who?')",
        (audio_hash, str(folder / "msg0000.wav")))
    conn.execute("INSERT INTO files(path, message_id, size, mtime_ns, root) VALUES (?, ?, ?, ?, ?)",
                 (str(folder / "msg0000.wav"), audio_hash, len(tone), 1, str(tmp_path)))
    conn.execute("INSERT INTO callback(message_id, field, value, provenance, confidence) "
                 "VALUES (?, 'number', '+15555555', 'metadata', 'low')", (audio_hash,))
    conn.execute("INSERT INTO callback(message_id, field, value, provenance, confidence) "
                 "VALUES (?, 'ask_for', 'Bob', 'edited', 'high')", (audio_hash,))
    conn.commit()
    conn.close()
    store = Store(tmp_path / "v2.sqlite3")
    try:
        scan(store, [tmp_path / "spool"])
        (message,) = store.messages()
        assert message.caller_number is None and message.caller_raw == "555-5555"
        assert store.notes(message.id) == "who?"
        fields = store.callback(message.id)
        assert "number" not in fields and fields["ask_for"].value == "Bob"
    finally:
        store.close()
