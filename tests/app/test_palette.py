"""The command palette through the real keys: "Go to caller…" fuzzy over names, numbers, companies."""

from datetime import datetime, timezone

import pytest
from textual.command import CommandList, CommandPalette

from tests.app.conftest import library_app, wait_for
from tui.library.models import CallbackField, Found, Provenance
from tui.library.store import Store

UTC = timezone.utc
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
HOSTILE = "[@click=app.quit]x[/]"


def _library(path) -> Store:
    store = Store(path)
    rows = [
        ("newest", "+19175550123", "WIRELESS CALLER", datetime(2026, 12, 2, 9, 0, tzinfo=UTC)),
        ("hostile", None, HOSTILE, datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("rachel2", "+13235550100", None, datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        ("rachel1", "+13235550100", None, datetime(2026, 11, 26, 9, 0, tzinfo=UTC)),
        ("secret", "+12125550199", None, datetime(2026, 11, 25, 9, 0, tzinfo=UTC)),
    ]
    for message_id, number, name, when in rows:
        found = Found(path=f"/v/{message_id}.wav", layout="plain", caller_number=number, caller_name=name, received_at=when)
        store.add_file(found, message_id, size=1, mtime_ns=1, root="/v", duration_s=20.0)
    store.record_progress("rachel1", heard=[(0, 20)], position_s=20, reached_end=True, at_end=True, threshold=0.97)
    store.apply_extraction("rachel1", {
        "name": CallbackField("Rachel Dunmore", Provenance.EXTRACTED, "high", (1.0, 2.5)),
        "company": CallbackField("Elmstead Recruiting", Provenance.EXTRACTED, "high", (2.5, 4.0)),
    })
    # not listened: its details must not be findable
    store.apply_extraction("secret", {"company": CallbackField("Hidden Holdings", Provenance.EXTRACTED, "high", (0, 1))})
    store.mark_called_back("rachel2", None, at=datetime(2026, 11, 30, 10, tzinfo=UTC))
    return store


@pytest.fixture
def app(tmp_path, null_config):
    return library_app(_library(tmp_path / "lib.sqlite3"), null_config, NOW)


def _hits(app) -> list[str]:
    try:
        options = app.screen.query_one(CommandList)
    except Exception:
        return []
    return [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]


async def _go_to_caller(pilot, app, query):
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
    await pilot.press(*"go to caller")
    await wait_for(pilot, lambda: any(h.startswith("Go to caller") for h in _hits(app)), what="go to caller")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette) and "caller" in str(
        app.screen.query_one("#--input Input").placeholder), what="caller palette")
    await pilot.press(*query)
    await pilot.pause(0.3)


async def test_go_to_caller_by_company_reaches_the_newest_message_even_out_of_view(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _go_to_caller(pilot, app, "elmstead")
        await wait_for(pilot, lambda: _hits(app), what="hits")
        assert _hits(app) == ["Rachel Dunmore · Elmstead Recruiting · +1 323-555-0100"]
        await pilot.press("enter")
        # rachel2 (called back, so out of "to call") is this caller's newest message
        await wait_for(pilot, lambda: app.message_list.current.id == "rachel2", what="jump")
        assert app.inbox.view == "all" and len(app.screen_stack) == 1


async def test_go_to_caller_by_digits(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _go_to_caller(pilot, app, "9175550123")
        await wait_for(pilot, lambda: _hits(app), what="hits")
        assert _hits(app)[0] == "+1 917-555-0123"  # a generic caller ID name is not a name
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.message_list.current.id == "newest", what="jump")


async def test_unlistened_details_are_not_searchable_and_hostile_names_stay_text(app):
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await _go_to_caller(pilot, app, "hidden")
        assert _hits(app) == []
        for _ in range(6):
            await pilot.press("backspace")
        await pilot.press(*"click")
        await wait_for(pilot, lambda: _hits(app), what="hits")
        assert _hits(app) == [HOSTILE]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.message_list.current.id == "hostile", what="jump")
        assert app.is_running  # the name's "[@click=app.quit]" did nothing


async def test_inbox_commands_are_not_offered_over_a_dialog(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Go to caller…" in titles and "Archive / unarchive (file untouched)" in titles
        await pilot.press("question_mark")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Go to caller…" not in titles and "Quit" in titles
