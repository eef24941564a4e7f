import json
import os
from datetime import datetime, timezone

import pytest

from tui import export
from tui.library.models import CallbackField, Found, Provenance


def _add(store, message_id, *, number, name=None, when=1):
    found = Found(
        path=f"/v/{message_id}.wav", layout="plain", caller_number=number, caller_name=name,
        received_at=datetime(2026, 11, when, 12, tzinfo=timezone.utc),
    )
    store.add_file(found, message_id, size=1, mtime_ns=1, root="/v", duration_s=20.0)


@pytest.fixture
def library(store):
    _add(store, "heard", number="+12065550100", name="ACME MAIN", when=3)
    _add(store, "unheard", number="+13125550111", when=4)
    store.record_progress("heard", heard=[(0, 20)], position_s=20, reached_end=True, threshold=0.97)
    store.apply_extraction(
        "heard",
        {
            "name": CallbackField("Sam Kowalski", Provenance.EXTRACTED, "high", (1.0, 2.0)),
            "company": CallbackField("Acme", Provenance.EXTRACTED, "high", (2.0, 3.0)),
            "number": CallbackField("+12065550143", Provenance.EXTRACTED, "low", (12.0, 18.0)),
            "extension": CallbackField("214", Provenance.EXTRACTED, "high", (18.0, 19.0)),
            "ask_for": CallbackField("Priya", Provenance.EXTRACTED, "high", (19.0, 20.0)),
            "request": CallbackField("Call about the interview.", Provenance.EXTRACTED, "high", None),
        },
        number_differs=True,
    )
    store.set_notes("heard", "ask about parking\x1b[2J")
    store.apply_extraction("unheard", {"name": CallbackField("Secret Person", Provenance.EXTRACTED, "high", (0, 1))})
    return store


def test_json_contract(library):
    records = json.loads(export.to_json(library))
    assert [r["id"] for r in records] == ["unheard", "heard"]
    unheard, heard = records
    assert set(unheard) == {"id", "path", "received_at", "duration_s", "caller_id", "state", "heard_fraction"}
    assert unheard["state"] == "new" and "callback" not in unheard and "notes" not in unheard
    assert heard["state"] == "listened" and heard["heard_fraction"] == 1.0
    assert heard["caller_id"] == {"number": "+12065550100", "name": "ACME MAIN", "raw": None}
    callback = heard["callback"]
    assert callback["number"] == "+12065550143" and callback["extension"] == "214"
    assert callback["number_differs_from_caller_id"] is True
    assert callback["confidence"]["number"] == "low" and callback["confidence"]["name"] == "high"
    assert callback["evidence"]["number"] == [12.0, 18.0]
    assert heard["notes"] == "ask about parking\x1b[2J"  # JSON escapes it; the text export cleans it


def test_text_blocks_hide_unlistened_details(library):
    text = export.to_text(library)
    assert "Sam Kowalski — Acme" in text
    assert "+1 206-555-0143, extension 214" in text
    assert "Ask for:    Priya" in text
    assert "differs from the number to call" in text
    assert "number is uncertain — replay 0:12-0:18" in text
    assert "NOT YET LISTENED" in text and "+1 312-555-0111" in text
    assert "Secret Person" not in text
    assert "\x1b" not in text and "\\x1b[2J" in text


def test_write_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("old")
    export.write_atomic(target, "new contents\n")
    assert target.read_text() == "new contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]  # no temp file left behind


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_export_path_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    with pytest.raises(export.ExportError, match="Cannot write"):
        export.write_atomic(folder / "x.txt", "x")


def test_export_into_a_file_path_that_is_a_folder(tmp_path):
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(export.ExportError):
        export.write_atomic(tmp_path / "dir.txt", "x")
    assert (tmp_path / "dir.txt").is_dir()


def test_stale_temp_files_of_killed_exports_are_cleaned_up_young_ones_kept(tmp_path):
    import time

    old = tmp_path / ".notes.txt.abc123.tmp"
    young = tmp_path / ".notes.txt.def456.tmp"
    old.write_text("half")
    young.write_text("in progress elsewhere")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    export.write_atomic(tmp_path / "notes.txt", "done\n")
    assert not old.exists() and young.exists()
