"""Two instances on one library (two SSH sessions): concurrent listening, edits and notes.

Two real processes write to one SQLite library at the same time; nothing is lost or corrupted
and each sees the other's commits (`Store.changed()`); the running app shows another
process's changes on its own (it polls the library).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.app.conftest import wait_for
from tui.library.models import State

CHILD = Path(__file__).with_name("instance_child.py")
ROUNDS = 12


def test_two_processes_writing_at_once_lose_nothing(store, tmp_path, tone_factory):
    from tui.library.scan import scan

    folder = tmp_path / "v"
    for i in range(6):
        tone_factory(folder / f"2026-11-1{i} 08.00.00 +1312555020{i}.wav", 2.0, 300 + 50 * i)
    scan(store, [folder])
    ids = sorted(m.id for m in store.messages())
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    procs = [
        subprocess.Popen([sys.executable, str(CHILD), str(store.path), role, other, str(ROUNDS), str(barrier)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for role, other in (("A", "B"), ("B", "A"))
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    reports = [json.loads(out) for out, _ in outputs]

    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    last = ROUNDS - 1
    for i, mid in enumerate(ids):
        message = store.get(mid)
        # every interval both processes recorded is there (heard only grows, no lost update)
        for r in range(ROUNDS):
            for offset in (0.0, 0.05):
                start = r * 0.1 + offset
                assert any(s <= start + 1e-6 and e >= start + 0.04 - 1e-6 for s, e in message.heard), (mid, start)
        fields = store.callback(mid)
        assert fields["name"].value == f"A{last}" and fields["company"].value == f"B{last}"
        assert store.notes(mid) == f"{'A' if i % 2 == 0 else 'B'} notes round {last}"
    for report, other in zip(reports, ("B", "A")):
        # each sees the other's finished work on refresh
        assert report["other_field"] == {mid: f"{other}{last}" for mid in ids}
    # they really ran at the same time: at least one noticed the other's commits while writing
    assert sum(report["saw_change_while_writing"] for report in reports) > 0


def test_changed_reports_another_processes_commit_and_only_that(store, tmp_path, tone_factory):
    from tui.library.scan import scan

    tone_factory(tmp_path / "v" / "a.wav", 0.5)
    scan(store, [tmp_path / "v"])
    mid = store.messages()[0].id
    store.changed()
    assert store.changed() is False
    store.set_notes(mid, "mine")  # our own commit is not "another instance"
    assert store.changed() is False
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from tui.library.store import Store;"
              "Store(sys.argv[2]).set_notes(sys.argv[3], 'theirs')")
    subprocess.run([sys.executable, "-c", script, str(Path(__file__).resolve().parents[2]), str(store.path), mid],
                   check=True, timeout=60)
    assert store.changed() is True
    assert store.notes(mid) == "theirs"
    assert store.changed() is False


async def test_the_app_shows_another_instances_changes(make_app, store, tmp_path, tone_factory):
    folder = tmp_path / "v"
    tone_factory(folder / "2026-11-20 09.00.00 +12065550100.wav", 1.0, 440)
    tone_factory(folder / "2026-11-21 09.00.00 +12065550101.wav", 1.0, 550)
    app = make_app([folder])
    target = store.messages()[0]
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from tui.library.store import Store; s = Store(sys.argv[2]); m = s.get(sys.argv[3]);"
        "s.record_progress(m.id, heard=[(0, m.duration_s)], position_s=m.duration_s, reached_end=True, at_end=True, threshold=0.97);"
        "s.edit_field(m.id, 'name', 'Edited Elsewhere'); s.set_notes(m.id, 'from the other session')"
    )
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.message_list.current.id == target.id
        assert app.message_list.current.state is State.NEW
        done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).resolve().parents[2]), str(store.path),
                               target.id], capture_output=True, text=True, timeout=60, env={**os.environ})
        assert done.returncode == 0, done.stderr
        await wait_for(pilot, lambda: app.message_list.current.state is State.LISTENED, timeout=15,
                       what="the other process's listen to show")
        await pilot.pause(0.2)
        from tui.app.widgets.callback_pane import CallbackPane

        pane = str(app.query_one(CallbackPane).query_one("Static").render())
        assert "Edited Elsewhere" in pane and "from the other session" in pane
        assert app.is_running
