"""Layout at 80x24 (snapshots are for layout only; behaviour is asserted elsewhere)."""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from tui.app.app import VoicemailApp
from tui.library.models import CallbackField, Found, Provenance
from tui.library.store import Store

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def _library(path: Path) -> Store:
    store = Store(path)
    rows = [
        ("a1", "Rachel Dunmore", "+13235550100", datetime(2026, 11, 26, 9, 41, tzinfo=timezone.utc), 19.5),
        ("b2", "WIRELESS CALLER", "+13125550111", datetime(2026, 11, 25, 16, 2, tzinfo=timezone.utc), 22.0),
        ("c3", "[@click=app.quit]x[/]", None, datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc), 61.0),
    ]
    for message_id, name, number, when, duration in rows:
        found = Found(path=f"/v/{message_id}.wav", layout="plain", caller_number=number, caller_name=name, received_at=when)
        store.add_file(found, message_id, size=1, mtime_ns=1, root="/v", duration_s=duration)
    store.add_file(Found(path="/v/empty.m4a", layout="plain", caller_number="+19495550170",
                         received_at=datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc), error="empty audio file (0 bytes)"),
                   "e4", size=0, mtime_ns=1, root="/v", duration_s=None)
    store.record_progress("a1", heard=[(0, 19.5)], position_s=19.5, reached_end=True, at_end=True, threshold=0.97)
    store.record_progress("b2", heard=[(0, 7.0)], position_s=7.0, reached_end=False, threshold=0.97)
    store.apply_extraction("a1", {
        "name": CallbackField("Rachel Dunmore", Provenance.EXTRACTED, "high", (1.0, 2.5)),
        "company": CallbackField("Elmstead Recruiting", Provenance.EXTRACTED, "high", (2.5, 4.0)),
        "request": CallbackField("Call back about a project manager opening.", Provenance.EXTRACTED, "low", (4.0, 9.0)),
        "number": CallbackField("+13235550142", Provenance.EXTRACTED, "low", (12.0, 16.5)),
        "ask_for": CallbackField("Rachel Dunmore", Provenance.EXTRACTED, "high", (1.0, 2.5)),
    }, number_differs=True,
        number_note="Caller ID is the main line +1 323-555-0100 — they asked you to call +1 323-555-0142")
    return store


@pytest.fixture
def app(tmp_path, null_config):
    store = _library(tmp_path / "lib.sqlite3")
    app = VoicemailApp(store=store, config=null_config, sources=[], scan_on_start=False, clock=lambda: NOW)
    app.preload_after_s = None  # layout only: no decoding ahead of the (non-existent) files
    return app


async def _ready(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_listened_message_shows_the_callback_details(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)


def test_partly_heard_message_is_locked(snap_compare, app):
    async def before(pilot):
        await _ready(pilot)
        await pilot.press("j")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_help_screen(snap_compare, app):
    async def before(pilot):
        await _ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
