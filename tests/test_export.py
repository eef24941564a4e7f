import json
import os
from datetime import datetime, timezone

import pytest

from tests.privileges import python_obeying_permissions
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
    store.record_progress("heard", heard=[(0, 20)], position_s=20, reached_end=True, at_end=True, threshold=0.97)
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
    assert set(unheard) == {"id", "path", "received_at", "duration_s", "caller_id", "state", "heard_fraction",
                            "archived", "outcome", "contact"}
    assert unheard["archived"] is False and unheard["outcome"] is None and unheard["contact"] is None
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


def test_unwritable_export_path_is_a_clear_error(tmp_path):
    """Runs in a child without root's permission bypass, so it holds in CI (root) too."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    code = ("import sys\n"
            "from tui import export\n"
            "try:\n"
            "    export.write_atomic(__import__('pathlib').Path(sys.argv[1]), 'x')\n"
            "except export.ExportError as exc:\n"
            "    print(exc)\n"
            "else:\n"
            "    print('written')")
    done = python_obeying_permissions(code, str(folder / "x.txt"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Cannot write"), done.stdout
    assert list(folder.iterdir()) == []


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


def test_archived_messages_leave_every_text_list_and_say_so_in_json(library):
    library.set_archived("heard", True, at=datetime(2026, 11, 20, 9, tzinfo=timezone.utc))
    library.set_archived("unheard", True, at=datetime(2026, 11, 20, 9, tzinfo=timezone.utc))
    text = export.to_text(library, now=datetime(2026, 11, 25, 12, tzinfo=timezone.utc))
    assert "Sam Kowalski" not in text and "+1 312-555-0111" not in text
    assert "0 to call back, 0 called back, 0 not yet listened (2 archived, not listed)" in text
    records = {r["id"]: r for r in json.loads(export.to_json(library))}
    assert records["heard"]["archived"] is True and records["heard"]["callback"]["name"] == "Sam Kowalski"
    library.set_archived("heard", False)
    assert "Sam Kowalski — Acme" in export.to_text(library, now=datetime(2026, 11, 25, 12, tzinfo=timezone.utc))


def test_outcome_in_json_once_called_back(library):
    library.mark_called_back("heard", "left a message", at=datetime(2026, 11, 21, 9, tzinfo=timezone.utc))
    records = {r["id"]: r for r in json.loads(export.to_json(library))}
    assert records["heard"]["outcome"] == "left a message" and records["heard"]["state"] == "called_back"
    assert records["heard"]["called_back_at"] == "2026-11-21T09:00:00+00:00"


def test_no_call_in_the_text_and_json_exports(library):
    said = CallbackField("There is no need to call me back.", Provenance.EXTRACTED, "low", (14.0, 16.5), "a hint")
    library.apply_extraction("heard", {}, no_call=said)
    now = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
    assert "No call:    not asked for (uncertain: check it) — “There is no need to call me back.”" in export.to_text(library, now=now)
    record = {r["id"]: r for r in json.loads(export.to_json(library))}["heard"]
    assert record["callback"]["no_call"] == {"said": "There is no need to call me back.", "confidence": "low",
                                             "evidence": [14.0, 16.5]}
    library.mark_called_back("heard", "no call needed", at=datetime(2026, 11, 24, 9, tzinfo=timezone.utc))
    text = export.to_text(library, now=now)
    assert "No call:" not in text and ": no call needed" in text and "Handled " in text
    assert json.loads(export.to_json(library))[1]["outcome"] == "no call needed"


def test_the_newest_block_of_a_caller_lists_their_other_messages(store):
    """Earlier messages of the same caller are listed under the newest one (archived too); a newer one
    not yet listened is named there, so nobody calls back on the strength of the older message alone."""
    _add(store, "m1", number="+13235550100", when=2)
    _add(store, "m2", number="+13235550100", when=5)
    _add(store, "m3", number="+13235550100", when=7)
    _add(store, "m4", number="+13235550100", when=9)
    _add(store, "other", number="+13125550111", when=6)
    for message_id in ("m2", "m3", "other"):
        store.record_progress(message_id, heard=[(0, 20)], position_s=20, reached_end=True, at_end=True, threshold=0.97)
    store.mark_called_back("m1", "left a message", at=datetime(2026, 11, 2, 13, tzinfo=timezone.utc))
    store.set_archived("m1", True, at=datetime(2026, 11, 3, 13, tzinfo=timezone.utc))
    text = export.to_text(store, now=datetime(2026, 11, 10, 12, tzinfo=timezone.utc))
    m3_block = text.split("== +1 323-555-0100 ==")[1]
    m2_block = text.split("== +1 323-555-0100 ==")[2]
    when = lambda day: datetime(2026, 11, day, 12, tzinfo=timezone.utc).strftime("%a %d %b %Y %H:%M")  # now's zone
    assert f"Newer:      {when(9)} (not yet listened)\n" in m3_block
    assert f"Earlier:    {when(5)} (listened)\n            {when(2)} (called back: left a message, archived)\n" in m3_block
    assert "Earlier:" not in m2_block and "Newer:" not in m2_block  # listed once, under the newest block
    assert "Earlier:" not in text.split("== +1 312-555-0111 ==")[1]
