"""Caller history: the pane's line, relative to the app's injected clock; `h` jumps to the previous one."""

from datetime import datetime, timedelta, timezone

import pytest

from tests.app.conftest import library_app
from tui.app.caller_history import day_label, history_text
from tui.app.widgets.callback_pane import CallbackPane
from tui.library.history import ordinal, same_caller
from tui.library.models import CallbackField, Found, Provenance
from tui.library.store import Store

UTC = timezone.utc
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # a Wednesday
NUMBER = "+13235550100"


def _library(path) -> Store:
    store = Store(path)
    rows = [
        ("m3", NUMBER, "Rachel Dunmore", datetime(2026, 12, 2, 9, 12, tzinfo=UTC)),
        ("other", "+13125550111", "Dana Whitfield", datetime(2026, 12, 1, 16, 2, tzinfo=UTC)),
        ("m2", NUMBER, "Rachel Dunmore", datetime(2026, 11, 30, 10, 5, tzinfo=UTC)),
        ("m1", NUMBER, "Rachel Dunmore", datetime(2026, 11, 26, 15, 40, tzinfo=UTC)),
    ]
    for message_id, number, name, when in rows:
        found = Found(path=f"/v/{message_id}.wav", layout="plain", caller_number=number, caller_name=name, received_at=when)
        store.add_file(found, message_id, size=1, mtime_ns=1, root="/v", duration_s=20.0)
    store.record_progress("m3", heard=[(0, 20)], position_s=20, reached_end=True, at_end=True, threshold=0.97)
    store.apply_extraction("m3", {
        "name": CallbackField("Rachel Dunmore", Provenance.EXTRACTED, "high", (1.0, 2.5)),
        "company": CallbackField("Elmstead Recruiting", Provenance.EXTRACTED, "high", (2.5, 4.0)),
        "number": CallbackField("+13235550142", Provenance.EXTRACTED, "high", (12.0, 16.5)),
    })
    store.mark_called_back("m1", "left a message", at=datetime(2026, 11, 27, 9, tzinfo=UTC))
    return store


@pytest.fixture
def app(tmp_path, null_config):
    return library_app(_library(tmp_path / "lib.sqlite3"), null_config, NOW)


def _pane(app) -> str:
    return str(app.query_one(CallbackPane).query_one("Static").render())


async def test_pane_shows_the_history_and_h_walks_back_through_it(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.message_list.current.id == "m3"
        assert "3rd message from this number in 7 days · also Mon 30 Nov, Thu 26 Nov · h: previous" in _pane(app).replace("\n", " ")
        await pilot.press("h")
        await pilot.pause()
        assert app.message_list.current.id == "m2"
        assert "2nd of 3 messages from this number in 7 days · also today 09:12, Thu 26 Nov" in _pane(app).replace("\n", " ")
        assert app.inbox.view == "to_call"
        await pilot.press("h")  # m1 was called back: out of "to call", so the view changes to show it
        await pilot.pause()
        assert app.message_list.current.id == "m1" and app.inbox.view == "all"
        await pilot.press("h")
        await pilot.pause()
        assert app.message_list.current.id == "m1"  # nothing earlier
        await pilot.press("k", "k")
        assert app.message_list.current.id == "other"
        assert "from this number" not in _pane(app)  # a caller's only message: no history line


async def test_h_finds_an_archived_earlier_message(app):
    app.store.set_archived("m2", True, at=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert app.message_list.current.id == "m2" and app.inbox.view == "archived"


def test_relative_phrasing_follows_the_given_clock_and_its_zone():
    tokyo = timezone(timedelta(hours=9))
    received = datetime(2026, 12, 1, 16, 2, tzinfo=UTC)  # Wed 2 Dec 01:02 in Tokyo
    assert day_label(received, NOW) == "yesterday 16:02"
    assert day_label(received, NOW.astimezone(tokyo)) == "today 01:02"
    assert day_label(received, datetime(2027, 1, 20, tzinfo=UTC)) == "Tue 01 Dec 2026"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]


def test_history_line_caps_the_list_and_is_absent_for_a_single_message(tmp_path):
    store = Store(tmp_path / "l.sqlite3")
    for day in range(1, 7):
        found = Found(path=f"/v/{day}.wav", layout="plain", caller_number=NUMBER,
                      received_at=datetime(2026, 11, day, 9, tzinfo=UTC))
        store.add_file(found, f"d{day}", size=1, mtime_ns=1, root="/v", duration_s=5.0)
    messages = store.messages()
    newest = messages[0]
    line = history_text(newest, same_caller(messages, newest), NOW).plain
    assert line.startswith("↺ 6th message from this number in 6 days · also Thu 05 Nov, Wed 04 Nov, Tue 03 Nov +2 more")
    assert history_text(newest, [newest], NOW) is None


def _ready(pilot):
    async def run():
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return run()


def test_history_line_layout(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)


def test_history_line_layout_locked(snap_compare, app):
    async def before(pilot):
        await _ready(pilot)
        await pilot.press("h")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


async def test_b_groups_the_list_by_caller_and_b_again_ungroups(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")  # all: m1 (called back) too
        assert [m.id for m in app.message_list.messages] == ["m3", "other", "m2", "m1"]
        await pilot.press("j")  # cursor on "other"
        await pilot.press("b")
        assert [m.id for m in app.message_list.messages] == ["m3", "m2", "m1", "other"]
        assert app.message_list.current.id == "other"  # the cursor stays on its message
        rows = [app.message_list.row(i).caller for i in range(4)]
        assert rows == ["Rachel Dunmore", "  ↳ Rachel Dunmore", "  ↳ Rachel Dunmore", "Dana Whitfield"]
        assert "by caller" in str(app.query_one("#title").render())
        await pilot.press("b")
        assert [m.id for m in app.message_list.messages] == ["m3", "other", "m2", "m1"]
        assert app.message_list.row(2).caller == "Rachel Dunmore"
