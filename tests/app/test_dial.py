"""The number as a tel: hyperlink, and `t` running [callback] dial_command (a real process, no shell)."""

import sys
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from tests.app.conftest import library_app, wait_for
from tui.app.app import VoicemailApp
from tui.app.dial import dial_argv
from tui.config import CallbackConfig
from tui.library.models import CallbackField, Found, Provenance
from tui.library.store import Store

UTC = timezone.utc
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
RECORD = "import sys; open(sys.argv[1], 'w').write(' '.join(sys.argv[2:]))"


def _library(path) -> Store:
    store = Store(path)
    for message_id, minute in (("heard", 30), ("unheard", 10)):
        found = Found(path=f"/v/{message_id}.wav", layout="plain", caller_number="+13235550100",
                      received_at=datetime(2026, 12, 2, 9, minute, tzinfo=UTC))
        store.add_file(found, message_id, size=1, mtime_ns=1, root="/v", duration_s=20.0)
    store.record_progress("heard", heard=[(0, 20)], position_s=20, reached_end=True, at_end=True, threshold=0.97)
    store.apply_extraction("heard", {"number": CallbackField("+13235550142", Provenance.EXTRACTED, "high", (12.0, 16.5))})
    return store


def _app(tmp_path, config, out=None):
    if out is not None:
        config = replace(config, callback=CallbackConfig(
            dial_command=(sys.executable, "-c", RECORD, str(out), "tel:{number}", "{number}")))
    return library_app(_library(tmp_path / "lib.sqlite3"), config, NOW)


def _notes(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def test_number_in_the_pane_is_a_tel_link(tmp_path, null_config):
    app = _app(tmp_path, null_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        links = {(seg.text, seg.style.link) for strip in app.screen._compositor.render_strips() for seg in strip
                 if seg.style and seg.style.link}
        assert links == {("(323) 555-0142", "tel:+13235550142")}


async def test_t_runs_the_dial_command_with_the_validated_number(tmp_path, null_config):
    out = tmp_path / "dialed.txt"
    app = _app(tmp_path, null_config, out)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await wait_for(pilot, lambda: out.exists() and out.read_text(), what="dialer ran")
        assert out.read_text() == "tel:+13235550142 +13235550142"
        assert "Dialing +1 323-555-0142" in _notes(app)


async def test_t_refuses_an_edited_number_that_is_no_number_and_a_locked_message(tmp_path, null_config):
    out = tmp_path / "dialed.txt"
    app = _app(tmp_path, null_config, out)
    app.store.edit_field("heard", "number", "555; rm -rf ~ $(reboot)")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert "is not a phone number" in _notes(app)
        await pilot.press("j", "t")  # not listened: locked
        await pilot.pause()
        assert "Listen to the whole message first" in _notes(app)
        await pilot.pause(0.3)
    assert not out.exists()


async def test_t_without_a_dial_command_says_how_to_set_one(tmp_path, null_config):
    app = _app(tmp_path, null_config)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert "Dialing is off: set [callback] dial_command" in _notes(app)


async def test_a_missing_dialer_is_one_clear_line(tmp_path, null_config):
    config = replace(null_config, callback=CallbackConfig(dial_command=(str(tmp_path / "no-such-dialer"), "{number}")))
    app = VoicemailApp(store=_library(tmp_path / "lib.sqlite3"), config=config, sources=[], scan_on_start=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert "Could not run" in _notes(app) and "Check [callback] dial_command" in _notes(app)


def test_dial_argv_only_takes_e164():
    assert dial_argv(("x", "tel:{number}"), "+442079460958") == ["x", "tel:+442079460958"]
    for bad in ("+1 323 555 0142", "3235550142", "+13235550142; reboot", "+1323555014299999", ""):
        with pytest.raises(ValueError):
            dial_argv(("x", "{number}"), bad)
