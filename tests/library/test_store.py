import sqlite3
from datetime import datetime, timezone

import pytest

from tui.library.models import CallbackField, Found, Provenance, Segment, State, Transcript, Word
from tui.library.store import SCHEMA_VERSION, LibraryError, Store


def add(store, message_id="m1", *, path="/v/a.wav", number="+12065550100", duration=20.0, error=None):
    found = Found(
        path=path,
        layout="plain",
        caller_number=number,
        caller_name="KOWALSKI S",
        received_at=datetime(2026, 11, 3, 15, 27, 39, tzinfo=timezone.utc),
        error=error,
    )
    store.add_file(found, message_id, size=10, mtime_ns=1, root="/v", duration_s=duration)


def test_new_library_has_current_schema_and_wal(store):
    assert store.schema_version() == SCHEMA_VERSION
    mode = store._conn().execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_message_round_trip(store):
    add(store)
    message = store.get("m1")
    assert message.path == "/v/a.wav"
    assert message.caller_number == "+12065550100"
    assert message.received_at == datetime(2026, 11, 3, 15, 27, 39, tzinfo=timezone.utc)
    assert message.state is State.NEW
    # the caller ID is the first guess of the number to call, labelled as metadata, not certain
    number = store.callback("m1")["number"]
    assert (number.value, number.provenance, number.confidence) == ("+12065550100", Provenance.METADATA, "low")


def test_progress_listened_only_with_coverage_and_end(store):
    add(store)
    partial = store.record_progress("m1", heard=[(0, 10)], position_s=10, reached_end=False, threshold=0.97)
    assert partial.state is State.PARTIAL and partial.position_s == 10
    skipped = store.record_progress("m1", heard=[(18, 20)], position_s=20, reached_end=True, threshold=0.97)
    assert skipped.state is State.PARTIAL, "reaching the end after skipping 8 s must not count"
    assert skipped.heard == ((0, 10), (18, 20))
    done = store.record_progress("m1", heard=[(10, 18)], position_s=20, reached_end=True, at_end=True,
                                 threshold=0.97)
    assert done.state is State.LISTENED
    assert done.position_s == 0  # next play starts from the top


def test_listened_state_survives_reopen(tmp_path):
    path = tmp_path / "lib.sqlite3"
    first = Store(path)
    add(first)
    first.record_progress("m1", heard=[(0, 20)], position_s=20, reached_end=True, at_end=True, threshold=0.97)
    first.close()
    again = Store(path)
    assert again.get("m1").listened
    again.close()


def test_edits_are_never_overwritten_by_extraction(store):
    add(store)
    store.edit_field("m1", "number", "+12065550143")
    store.apply_extraction(
        "m1",
        {
            "number": CallbackField("+12065550199", Provenance.EXTRACTED, "high", (3.0, 6.0)),
            "name": CallbackField("Sam Kowalski", Provenance.EXTRACTED, "high", (1.0, 2.0)),
        },
        number_differs=True,
    )
    fields = store.callback("m1")
    assert fields["number"].value == "+12065550143"
    assert fields["number"].provenance is Provenance.EDITED
    assert fields["name"].value == "Sam Kowalski"
    assert fields["name"].evidence == (1.0, 2.0)
    assert store.extraction_meta("m1").number_differs is True


def test_called_back_round_trip(store):
    add(store)
    store.mark_called_back("m1", "left a message")
    message = store.get("m1")
    assert message.state is State.CALLED_BACK and message.outcome == "left a message"
    store.unmark_called_back("m1")
    assert store.get("m1").state is State.NEW


def test_missing_then_back(store):
    add(store)
    assert store.mark_missing(["/v/a.wav"]) == 1
    assert store.get("m1").missing
    add(store)  # the scan finds it again
    assert not store.get("m1").missing


def test_transcript_round_trip(store):
    add(store)
    transcript = Transcript(
        text=" Hi, this is Sam.",
        segments=(Segment(0.0, 1.5, " Hi, this is Sam."),),
        words=(Word(0.0, 0.3, " Hi", 0.9), Word(0.3, 0.5, ",", 0.8)),
        model="tiny.en",
    )
    store.save_transcript("m1", transcript)
    assert store.transcript("m1") == transcript
    assert store.needing_transcript("tiny.en") == []
    assert store.needing_transcript("base") == ["m1"]


def test_error_rows_are_not_transcribed(store):
    add(store, "e1", path="/v/empty.m4a", error="empty audio file (0 bytes)", duration=None)
    assert store.get("e1").state is State.ERROR
    assert store.needing_transcript("tiny.en") == []


def test_migrates_an_empty_version_zero_file(tmp_path):
    path = tmp_path / "old.sqlite3"
    sqlite3.connect(path).close()
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION
    store.close()


def test_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(LibraryError, match="newer voicemail-tui"):
        Store(path)


def test_not_a_database(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LibraryError):
        Store(path)


def test_second_connection_sees_changes(tmp_path):
    path = tmp_path / "lib.sqlite3"
    one, two = Store(path), Store(path)
    two.changed()
    add(one)
    one.set_notes("m1", "call after 3pm")
    assert two.changed() is True
    assert two.notes("m1") == "call after 3pm"
    one.close()
    two.close()


def test_end_of_audio_corrects_a_padded_header_duration(store):
    add(store, duration=6.192)  # an MP3 header counts encoder padding
    message = store.record_progress("m1", heard=[(0, 6.0)], position_s=6.0, reached_end=True, at_end=True,
                                    threshold=0.97)
    assert message.duration_s == 6.0 and message.listened and message.position_s == 0.0


def test_seeking_back_after_the_end_neither_shortens_the_message_nor_unlocks_it(store):
    """The player's reached_end stays true after seeking back: a position then is not the end."""
    add(store, duration=12.0)
    ended = store.record_progress("m1", heard=[(0, 0.4), (5.4, 12.0)], position_s=12.0, reached_end=True,
                                  at_end=True, threshold=0.97)
    assert not ended.listened and ended.duration_s == 12.0
    back = store.record_progress("m1", heard=[], position_s=0.4, reached_end=True, threshold=0.97)
    assert not back.listened and back.duration_s == 12.0 and back.position_s == 0.4
    playing = store.record_progress("m1", heard=[(0.4, 0.9)], position_s=0.9, reached_end=True, threshold=0.97)
    assert not playing.listened and playing.duration_s == 12.0
    done = store.record_progress("m1", heard=[(0.9, 5.4)], position_s=5.4, reached_end=True, threshold=0.97)
    assert done.listened


def test_migrates_a_version_one_library_keeping_its_data(tmp_path):
    from tui.library import store as store_module

    path = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(path)
    for statement in store_module._statements(store_module.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO messages(id, path, layout, received_at, received_ts, heard) "
        "VALUES ('m1', '/v/a.wav', 'plain', '2026-11-03T15:27:39+00:00', 1793719659, '[[0, 5]]')"
    )
    conn.commit()
    conn.close()
    upgraded = Store(path)
    assert upgraded.schema_version() == SCHEMA_VERSION >= 2
    assert upgraded.get("m1").heard == ((0, 5),)
    plan = upgraded._conn().execute(
        "EXPLAIN QUERY PLAN SELECT id FROM messages ORDER BY received_ts DESC, id").fetchall()
    assert "TEMP B-TREE" not in " ".join(str(row) for row in plan)
    upgraded.close()


def test_archive_migration_keeps_a_version_2_library(tmp_path):
    """A library written before archive existed (schema 2) opens, keeps its rows, and gains the column."""
    from tui.library.store import MIGRATIONS, _statements

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for number in range(2):
        for statement in _statements(MIGRATIONS[number]):
            conn.execute(statement)
    conn.execute(
        "INSERT INTO messages(id, path, layout, received_at, received_ts, called_back_at, outcome) "
        "VALUES ('old', '/v/old.wav', 'plain', '2026-11-01T10:00:00+00:00', 0, '2026-11-02T10:00:00+00:00', 'done')"
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION
    old = store.get("old")
    assert old.outcome == "done" and old.archived_at is None and not old.archived
    store.set_archived("old", True, at=datetime(2026, 11, 5, 8, tzinfo=timezone.utc))
    assert store.get("old").archived_at == datetime(2026, 11, 5, 8, tzinfo=timezone.utc)
    store.close()


def test_archive_and_unarchive_touch_only_the_library(store):
    add(store)
    store.set_archived("m1", True, at=datetime(2026, 11, 5, 8, tzinfo=timezone.utc))
    assert store.get("m1").archived and store.get("m1").state is State.NEW  # state is independent of archive
    store.set_archived("m1", False)
    assert not store.get("m1").archived


def test_bulk_archive_only_what_was_called_back_before_the_cutoff(store):
    for i, message_id in enumerate(("old", "recent", "never", "already")):
        add(store, message_id, path=f"/v/{i}.wav")
    utc = timezone.utc
    store.mark_called_back("old", "done", at=datetime(2026, 10, 1, 9, tzinfo=utc))
    store.mark_called_back("recent", None, at=datetime(2026, 11, 20, 9, tzinfo=utc))
    store.mark_called_back("already", None, at=datetime(2026, 9, 1, 9, tzinfo=utc))
    store.set_archived("already", True, at=datetime(2026, 9, 2, 9, tzinfo=utc))
    # the cutoff in another offset: compared as instants
    from datetime import timedelta
    cutoff = datetime(2026, 11, 1, 1, tzinfo=timezone(timedelta(hours=-5)))
    assert store.archive_called_back_before(cutoff, at=datetime(2026, 11, 30, tzinfo=utc)) == ["old"]
    assert store.get("old").archived_at == datetime(2026, 11, 30, tzinfo=utc)
    assert store.get("already").archived_at == datetime(2026, 9, 2, 9, tzinfo=utc)  # untouched
    assert not store.get("recent").archived and not store.get("never").archived
    assert store.archive_called_back_before(cutoff) == []


def test_no_call_round_trip_and_cleared_by_a_new_extraction(store):
    add(store)
    said = CallbackField("There is no need to call me back.", Provenance.EXTRACTED, "high", (14.0, 16.5))
    store.apply_extraction("m1", {}, no_call=said)
    assert store.extraction_meta("m1").no_call == said
    assert store.get("m1").state is State.NEW  # stored, never acted on
    store.apply_extraction("m1", {})
    assert store.extraction_meta("m1").no_call is None


def test_a_message_without_speech_keeps_its_verdict_and_only_the_caller_id(tmp_path):
    from tui.enrich import enrich

    path = tmp_path / "lib.sqlite3"
    store = Store(path)
    add(store)
    # an earlier transcript had invented details; the voice-activity check now finds no speech
    store.apply_extraction("m1", {"name": CallbackField("Station", Provenance.EXTRACTED, "low"),
                                  "number": CallbackField("+14155550132", Provenance.EXTRACTED, "low")},
                           alt_numbers=["+14155550199"], number_differs=True)
    store.edit_field("m1", "request", "probably the landlord")
    silent = Transcript(text="", segments=(), words=(), model="tiny.en", speech=False)
    assert enrich(store, "m1", silent, region="US") is None
    store.close()
    store = Store(path)  # survives a restart
    assert store.transcript("m1") == silent and store.transcript("m1").speech is False
    fields = store.callback("m1")
    assert "name" not in fields
    assert fields["request"].value == "probably the landlord"  # your edit stays
    assert store.extraction_meta("m1").alt_numbers == ()
    assert store.needing_transcript("tiny.en") == []  # never re-run for the same model
    assert store.get("m1").transcript_status == "no_speech"
    from tui.app.widgets.message_list import make_row

    assert make_row(store.get("m1"), region="US").status.endswith("· no speech")


def test_transcripts_stored_before_the_speech_column_read_as_speech(tmp_path):
    from tui.library import store as store_module

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for number, script in enumerate(store_module.MIGRATIONS[:2]):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    conn.execute("INSERT INTO transcripts VALUES ('m1', 'tiny.en', 'Hi', '[]', '[]', 'en', '2026-01-01')")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION
    assert store.transcript("m1").speech is True
