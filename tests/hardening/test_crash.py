"""Crash safety: SIGKILL at random moments while listening, editing, noting and exporting.

A handful of trials here (the >= 200-trial run is bench/stress.py). See crashlib for what a
trial checks: the library opens with integrity ok, nothing reported committed is lost, and
every export file is one complete export (old or new), never half of one.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.hardening import crashlib

STORE_TRIALS = 8
APP_TRIALS = 1


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash-template")
    db, ids = crashlib.make_template(folder, count=8)
    return folder, db, ids


def test_sigkill_during_store_writes_and_exports_loses_nothing(template, tmp_path):
    _, db, _ = template
    committed = exports = 0
    for trial in range(STORE_TRIALS):
        result = crashlib.run_trial(db, tmp_path / f"t{trial}", seed=1000 + trial, max_delay_s=0.8)
        assert result.problems == [], f"trial {trial}: {result.problems}"
        committed += result.committed
        exports += result.exports_checked
    # the trials did real work before the kills (not all killed at start-up)
    assert committed > STORE_TRIALS * 5 and exports > 0


@pytest.mark.slow
def test_sigkill_of_the_real_app_loses_nothing(template, tmp_path):
    folder, db, _ = template
    committed = 0
    for trial in range(APP_TRIALS):
        result = crashlib.run_app_trial(db, folder / "audio", tmp_path / f"a{trial}", seed=7 + trial,
                                        min_delay_s=4.5, max_delay_s=7.0)
        assert result.problems == [], f"app trial {trial}: {result.problems}"
        committed += result.committed
    assert committed >= 1  # at least one message was listened to the end before a kill


def test_the_checker_catches_a_cut_export_and_a_lost_edit(template, tmp_path):
    """The verifier is not a rubber stamp: a half-written export and a lost commit are both reported."""
    from tui import export
    from tui.library.store import Store

    _, db, ids = template
    work = tmp_path / "neg"
    work.mkdir()
    copy = work / "library.sqlite3"
    copy.write_bytes(db.read_bytes())
    out = work / "exports"
    out.mkdir()
    store = Store(copy)
    store.edit_field(ids[0], "name", "v1 first")
    text = export.to_json(store)
    store.close()
    digest = hashlib.sha256(text.encode()).hexdigest()
    (out / "notes.json").write_text(text[: len(text) // 2])
    lines = [f"TRY edit {ids[0]} 1 name", f"OK edit {ids[0]} 1 name",
             f"TRY edit {ids[0]} 2 name", f"OK edit {ids[0]} 2 name",  # reported, but not in the library
             f"TRY export_json - 3 {digest}"]
    result = crashlib.verify(copy, out, lines)
    assert any("committed #2" in p for p in result.problems)
    assert any("not any complete export" in p for p in result.problems)
    assert any("not valid JSON" in p for p in result.problems)
    with pytest.raises(json.JSONDecodeError):
        json.loads((out / "notes.json").read_text())
    assert crashlib.text_export_problem("Callback notes — x\n1 to call back, 0 called back, 0 not yet listened\n\n") is not None
