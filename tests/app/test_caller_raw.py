"""A caller ID that is no full number stays as the PBX wrote it: the pane shows "ext. 1001" and
`y` copies "1001" (wazo-calld's message file from ../shared/peer-fixtures, a real tone)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.app.conftest import wait_for
from tests.corpus import PEER_FIXTURES
from tui.app.widgets.callback_pane import CallbackPane

PEER = PEER_FIXTURES  # ../shared/peer-fixtures (tests/corpus.py); required, never skipped
ALICE = PEER / "asterisk" / "wazo-calld__default__8000__INBOX__msg0000.txt"  # callerid="Alice" <1001>


async def test_extension_is_shown_and_copied_as_written(make_app, store, tmp_path, tone_factory):
    inbox = tmp_path / "spool" / "default" / "8000" / "INBOX"
    inbox.mkdir(parents=True)
    shutil.copyfile(ALICE, inbox / "msg0000.txt")
    tone_factory(inbox / "msg0000.wav", 1.0)
    app = make_app([tmp_path / "spool"])
    message = store.messages()[0]
    assert message.caller_number is None and message.caller_raw == "1001"
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.player is not None, what="audio output")
        assert "ext. 1001" not in str(app.query_one(CallbackPane).query_one("Static").render())  # locked
        store.record_progress(message.id, heard=[(0, message.duration_s)], position_s=0, reached_end=True,
                              threshold=0.97)
        app.reload()
        await pilot.pause(0.1)
        shown = str(app.query_one(CallbackPane).query_one("Static").render())
        assert "Caller ID ext. 1001 · Alice" in shown
        assert "+11001" not in shown and "withheld" not in shown
        await pilot.press("y")
        assert app.clipboard == "1001"
        assert any("ext. 1001" in str(n.message) for n in app._notifications)
