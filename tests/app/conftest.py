import time

import pytest

from tui.library.scan import scan


async def wait_for(pilot, condition, timeout: float = 15.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def tone_folder(tmp_path, tone_factory):
    """A voicemail folder with two short real audio files and sidecars."""
    folder = tmp_path / "voicemail"
    tone_factory(folder / "2026-11-20 09.00.00 +12065550100.wav", 2.0, 440)
    tone_factory(folder / "2026-11-21 10.00.00 +13125550111.mp3", 6.0, 660)
    (folder / "2026-11-21 10.00.00 +13125550111.json").write_text('{"caller_id_name": "Dana Whitfield"}')
    return folder


@pytest.fixture
def make_app(store, null_config):
    from tui.app.app import VoicemailApp

    def factory(sources, *, config=None, scan_first=True):
        if scan_first:
            scan(store, sources)
        return VoicemailApp(store=store, config=config or null_config, sources=sources, scan_on_start=False)

    return factory


def library_app(store, config, now):
    """The app on a library the test built (no sources, no scan), its clock pinned to `now` and no
    decoding ahead (the library's files need not exist)."""
    from tui.app.app import VoicemailApp

    app = VoicemailApp(store=store, config=config, sources=[], scan_on_start=False, clock=lambda: now)
    app.preload_after_s = None
    return app
