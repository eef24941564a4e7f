"""Archive through the real keys (run_test): `a`, the confirmation, the archived view, the palette."""

import hashlib
import os
from datetime import datetime, timezone

from tests.app.conftest import wait_for
from tui.app.app import VoicemailApp
from tui.app.screens.confirm import ConfirmScreen
from tui.library.scan import scan

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def _fingerprint(folder):
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _listen(store, message):
    store.record_progress(message.id, heard=[(0, message.duration_s)], position_s=0, reached_end=True, threshold=0.97)


def _app(store, config, folder):
    scan(store, [folder])
    return VoicemailApp(store=store, config=config, sources=[folder], scan_on_start=False, clock=lambda: NOW)


def _title(app) -> str:
    return str(app.query_one("#title").render())


async def test_a_archives_a_listened_message_and_a_again_restores_it(store, null_config, tone_folder):
    for path in tone_folder.iterdir():
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = _fingerprint(tone_folder)
    app = _app(store, null_config, tone_folder)
    dana = next(m for m in store.messages() if m.caller_name == "Dana Whitfield")
    _listen(store, dana)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.message_list.current.id == dana.id
        await pilot.press("a")
        await pilot.pause()
        assert len(app.screen_stack) == 1  # listened: no question
        assert store.get(dana.id).archived_at == NOW
        assert dana.id not in [m.id for m in app.message_list.messages]
        assert "Archived 1" in _title(app) and "To call 1" in _title(app) and "All 1" in _title(app)
        for _ in range(3):  # to call -> all -> called back -> archived
            await pilot.press("v")
            if app.inbox.view != "archived":
                assert dana.id not in [m.id for m in app.message_list.messages]
        assert app.inbox.view == "archived"
        assert [m.id for m in app.message_list.messages] == [dana.id]
        assert "Archived" in str(app.query_one("#callback").query_one("Static").render())
        await pilot.press("a")  # restore
        await pilot.pause()
        assert not store.get(dana.id).archived
        assert app.message_list.messages == []
        await pilot.press("v")
        assert dana.id in [m.id for m in app.message_list.messages]
    assert _fingerprint(tone_folder) == before  # the source files are never touched


async def test_archiving_an_unlistened_message_asks_once(store, null_config, tone_folder):
    app = _app(store, null_config, tone_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        target = app.message_list.current
        assert not target.listened
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and not store.get(target.id).archived
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert len(app.screen_stack) == 1  # one question, then done
        assert store.get(target.id).archived
        assert target.id not in [m.id for m in app.message_list.messages]


async def test_palette_archives_everything_called_back_more_than_30_days_ago(store, null_config, tone_folder):
    app = _app(store, null_config, tone_folder)
    old, recent = store.messages()
    store.mark_called_back(old.id, "done", at=datetime(2026, 10, 1, 9, tzinfo=timezone.utc))  # 56 days before NOW
    store.mark_called_back(recent.id, None, at=datetime(2026, 11, 20, 9, tzinfo=timezone.utc))  # 6 days before
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"archive everything")
        await wait_for(pilot, lambda: "Archive everything" in _palette_text(app), what="palette hit")
        await pilot.press("enter")
        await wait_for(pilot, lambda: store.get(old.id).archived, what="bulk archive")
        assert not store.get(recent.id).archived
        assert store.get(old.id).archived_at == NOW
        await wait_for(pilot, lambda: "Archived 1" in _title(app), what="title")


async def test_palette_runs_key_actions(store, null_config, tone_folder):
    app = _app(store, null_config, tone_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"View: to call")
        await wait_for(pilot, lambda: "View: to call" in _palette_text(app), what="palette hit")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.inbox.view == "all", what="view changed")


def _palette_text(app) -> str:
    from textual.command import CommandList

    try:
        options = app.screen.query_one(CommandList)
    except Exception:
        return ""
    return " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
