"""Issue #16 in the app: a file that could not be read for a reason not its content says
"will retry", and the app reads it again by itself and shows the message once it succeeds."""

from __future__ import annotations

import errno

from tests.app.conftest import wait_for
from tui.app import background
from tui.app.app import VoicemailApp
from tui.app.widgets.callback_pane import CallbackPane
from tui.library import header
from tui.library.models import State


async def test_a_transient_error_row_says_will_retry_and_heals_in_the_session(store, null_config, tone_folder, monkeypatch):
    real = header._MUTAGEN[".mp3"]
    allowed = {"read": False}
    calls = []

    def reader(path):  # the disk fails with EIO until it is allowed to work
        calls.append(path)
        if not allowed["read"]:
            raise OSError(errno.EIO, "Input/output error")
        return real(path)

    monkeypatch.setitem(header._MUTAGEN, ".mp3", reader)
    monkeypatch.setattr(background, "RETRY_DELAYS_S", (0.3,))
    app = VoicemailApp(store=store, config=null_config, sources=[tone_folder], scan_on_start=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.last_scan is not None and not app.scanning, what="first scan")
        broken = next(m for m in store.messages() if m.path.endswith(".mp3"))
        assert broken.state is State.ERROR and broken.error_transient
        index = next(i for i, m in enumerate(app.inbox.visible()) if m.id == broken.id)
        row = app.message_list.row(index)
        assert row.status.startswith("will retry: file not readable")
        app.message_list.cursor = index
        await pilot.pause(0.1)
        assert "will retry" in str(app.query_one(CallbackPane).query_one("Static").render())
        await wait_for(pilot, lambda: len(calls) >= 2, what="a retry while the disk still fails")
        assert store.get(broken.id).state is State.ERROR
        allowed["read"] = True
        await wait_for(pilot, lambda: store.get(broken.id).state is State.NEW, what="the retry that heals it")
        await wait_for(pilot, lambda: app.message_list.row(index).status == "new", what="the row redrawn")
        healed = store.get(broken.id)
        assert healed.error is None and healed.caller_name == "Dana Whitfield"
