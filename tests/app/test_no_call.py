""""No call needed" through the real keys: shown once listened, accepted only by the key."""

from datetime import datetime, timezone

from tests.app.conftest import library_app
from tui.app.widgets.callback_pane import CallbackPane
from tui.library.models import NO_CALL_OUTCOME, CallbackField, Found, Provenance, State
from tui.library.store import Store

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
SAID = CallbackField("There is no need to call me back.", Provenance.EXTRACTED, "high", (14.0, 16.5))


def _library(path) -> Store:
    store = Store(path)
    for message_id, minute in (("elena", 30), ("unheard", 10)):
        found = Found(path=f"/v/{message_id}.wav", layout="plain", caller_number="+16175550104", caller_name="BRIGHTLINE",
                      received_at=datetime(2026, 11, 26, 9, minute, tzinfo=timezone.utc))
        store.add_file(found, message_id, size=1, mtime_ns=1, root="/v", duration_s=20.0)
        store.apply_extraction(message_id, {}, no_call=SAID)
    store.record_progress("elena", heard=[(0, 20)], position_s=20, reached_end=True, at_end=True, threshold=0.97)
    return store


def _app(tmp_path, config):
    return library_app(_library(tmp_path / "lib.sqlite3"), config, NOW)


def _pane(app) -> str:
    return str(app.query_one(CallbackPane).query_one("Static").render())


async def test_d_accepts_no_call_needed_and_d_again_undoes_it(tmp_path, null_config):
    app = _app(tmp_path, null_config)
    store = app.store
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.message_list.current.id == "elena"
        assert "No call-back asked for ✓" in _pane(app) and "There is no need to call me back." in _pane(app)
        # the caller ID is there if you want it, without a "check" the message does not call for
        assert "(617) 555-0104  caller ID" in _pane(app) and "⚠ check" not in _pane(app)
        assert store.get("elena").state is State.LISTENED  # never automatic
        await pilot.press("d")
        await pilot.pause()
        handled = store.get("elena")
        assert handled.outcome == NO_CALL_OUTCOME and handled.called_back_at is not None and handled.no_call_needed
        assert [m.id for m in app.message_list.messages] == ["unheard"]  # left "to call"
        await pilot.press("v", "v")  # all -> called back
        assert [m.id for m in app.message_list.messages] == ["elena"]
        assert "Handled: no call needed" in _pane(app) and "No call-back asked for" not in _pane(app)
        assert app.message_list.row(0).status == "no call needed"
        await pilot.press("d")
        await pilot.pause()
        assert store.get("elena").called_back_at is None and store.get("elena").outcome is None


async def test_locked_until_listened(tmp_path, null_config):
    app = _app(tmp_path, null_config)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("j")
        assert app.message_list.current.id == "unheard"
        assert "No call-back" not in _pane(app)  # details (this one too) stay locked
        await pilot.press("d")
        await pilot.pause()
        assert app.store.get("unheard").called_back_at is None
        assert any("Listen to the whole message first" in str(n.message) for n in app._notifications)
