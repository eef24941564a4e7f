"""Hostile text: markup, escape sequences, bidi overrides and 10,000-character strings from caller
names, sidecar fields, Google Voice html, file names, edits, notes and transcripts are shown
literally in every widget and notification, never change the terminal, never fire an action;
exports contain no raw control characters."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.app.conftest import wait_for
from tests.hardening.hostile import CONTROLS, PAYLOADS, build_hostile_folder, terminal_problems
from tui.config import ExportConfig
from tui.library.models import CALLBACK_FIELDS, Segment, Transcript, Word
from tui.library.scan import scan


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "v"
    build_hostile_folder(root)
    return root


@pytest.fixture
def hostile_library(hostile_folder, store):
    root = hostile_folder
    report = scan(store, [root])
    assert len(report.new) == len(store.messages()) >= 17
    messages = store.messages()
    text = " ".join(PAYLOADS)
    for i, message in enumerate(messages):
        store.record_progress(message.id, heard=[(0, message.duration_s)], position_s=message.duration_s,
                              reached_end=True, at_end=True, threshold=0.97)
        payload = PAYLOADS[i % len(PAYLOADS)]
        for field in CALLBACK_FIELDS:
            store.edit_field(message.id, field, f"{payload} {field}")
        store.set_notes(message.id, f"{payload}\n{text}")
        words = tuple(Word(0.01 * k, 0.01 * k + 0.01, p, 0.9) for k, p in enumerate(PAYLOADS))
        store.save_transcript(message.id, Transcript(text=text, segments=(Segment(0.0, 0.3, text),), words=words,
                                                     model="fuzz", language="en"))
        if i % 4 == 0:
            store.mark_called_back(message.id, payload)
    return root


def _frame(app) -> str:
    """Exactly what the app would write to the terminal for a full redraw of the current screen."""
    return app.screen._compositor.render_full_update().render_segments(app.console)


def _visible(frame: str) -> str:
    from tests.hardening.hostile import CSI

    return CSI.sub("", frame)


async def test_hostile_text_everywhere_in_the_app(hostile_library, store, null_config, tmp_path):
    from tui.app.app import VoicemailApp

    export_dir = tmp_path / "out \x1b[2J [@click=app.quit]x[/] \u202e"
    config = replace(null_config, export=ExportConfig(path=str(export_dir / "notes.txt")))
    app = VoicemailApp(store=store, config=config, sources=[hostile_library], scan_on_start=False)
    seen = []

    def check(where: str) -> None:
        frame = _frame(app)
        assert terminal_problems(frame) == [], where
        seen.append(_visible(frame))

    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.player is not None, what="audio output")
        await pilot.press("v")  # all
        count = len(app.message_list.messages)
        assert count == store.count()
        for row in range(count):
            await pilot.pause()
            check(f"row {row}")
            if row % 5 == 0:
                await pilot.press("y")  # copy: the notification names the number
                await pilot.pause()
                check(f"copy, row {row}")
            await pilot.press("j")
        for widget in ("#title", "#messages", "#transcript", "#callback"):  # [@click=...] must never fire
            for y in (0, 2, 4):
                for x in (3, 14, 30):
                    await pilot.click(widget, offset=(x, y))
        assert app.is_running and len(app.screen_stack) == 1
        await pilot.press("slash", *"[/]")
        await pilot.pause()
        check("search")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        check("help")
        await pilot.press("escape", "x")
        await pilot.pause(0.3)
        check("export notification")
        assert app.is_running and len(app.screen_stack) == 1
        for note in app._notifications:
            assert not CONTROLS.search(str(note.message)), note.message
            assert not CONTROLS.search(str(note.title or "")), note.title
    assert (export_dir / "notes.txt").exists()
    shown = "\n".join(seen)
    assert "[@click=app.quit]x[/]" in shown and "[link=https://x]y[/link]" in shown  # literally
    assert "\\x1b]52" in shown and "\\u202e" in shown  # control characters made visible


async def test_the_edit_screen_shows_hostile_values_safely(hostile_library, store, null_config):
    from tui.app.app import VoicemailApp

    app = VoicemailApp(store=store, config=null_config, sources=[hostile_library], scan_on_start=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("v")
        for row in range(len(PAYLOADS)):
            await pilot.press("e")
            await pilot.pause()
            assert terminal_problems(_frame(app)) == [], f"edit screen, row {row}"
            await pilot.press("escape", "j")
        assert app.is_running


def test_exports_contain_no_raw_control_characters(hostile_library, store):
    from tui import export

    text = export.to_text(store)
    assert not CONTROLS.search(text.replace("\n", "")), sorted(set(CONTROLS.findall(text.replace("\n", ""))))
    assert "[@click=app.quit]x[/]" in text and "\\x1b]52" in text
    raw = export.to_json(store)
    assert not CONTROLS.search(raw.replace("\n", "")), sorted(set(CONTROLS.findall(raw.replace("\n", ""))))
    records = json.loads(raw)  # the JSON keeps the data exactly (escaped, not altered)
    names = {r["caller_id"]["name"] for r in records}
    assert "\u202eevil\u202c \u2066iso\u2069" in names and "\x9b31mC1\x9c" in names
    notes = {r["notes"].split("\n")[0] for r in records if r.get("notes")}
    assert "\x1b]52;c;aGVsbG8=\x07" in notes


def test_cli_output_is_free_of_raw_control_characters(hostile_library, store, tmp_path):
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONIOENCODING": "utf-8:strict"}
    for args in (["scan", "--source", str(hostile_library)], ["scan", "--json", "--source", str(hostile_library)],
                 ["export", "--out", "-"], ["export", "--format", "json"]):
        done = subprocess.run([sys.executable, "-m", "tui", "--db", str(store.path), *args], capture_output=True,
                              text=True, timeout=120, env=env)
        assert done.returncode == 0, done.stderr
        assert not CONTROLS.search(done.stdout.replace("\n", "")), (args, sorted(set(CONTROLS.findall(done.stdout))))
        assert not CONTROLS.search(done.stderr.replace("\n", "")), args
