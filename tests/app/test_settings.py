"""The settings screen through the real keys: saved with tomli-w, validated by the reader's code,
a hand-written file kept once as config.toml.orig; a round trip into a new app."""

import tomllib
from datetime import datetime, timezone

import pytest

from tests.app.conftest import wait_for
from tui import config as config_module
from tui.app.app import VoicemailApp
from tui.app.screens.settings import SettingsScreen
from tui.audio.probe import ProbeResult
from tui.library.store import Store

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
HAND_WRITTEN = """# my voicemail settings
[sources]
folders = ["~/Phone/Voicemail"]  # the Syncthing folder
watch = false

[audio]
output = "null"

[transcription]
enabled = false

[keys]
play = ["p", "enter"]
replay_evidence = "z"
"""


def _pinned_probe():
    return ProbeResult(True, "unix:/run/user/0/pulse/native", "alsa_output.pci-0000_00_1f.3.analog-stereo", None)


def _app(tmp_path, path):
    app = VoicemailApp(store=Store(tmp_path / "lib.sqlite3"), config=config_module.load(path), sources=[],
                       scan_on_start=False, clock=lambda: NOW, config_path=path)
    app.settings_probe = _pinned_probe
    app.preload_after_s = None
    return app


async def _type_into(pilot, app, widget_id, text):
    app.screen.query_one(f"#{widget_id}").focus()
    await pilot.press("end", "ctrl+u", *text)


def _notes(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def test_round_trip_keeps_the_hand_written_file_once(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN)
    app = _app(tmp_path, path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), what="settings")
        await _type_into(pilot, app, "threshold", "0.9")
        await _type_into(pilot, app, "region", "gb")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen), what="saved")
        assert "kept as " + str(path) + ".orig" in _notes(app)
        assert app.config.audio.listened_threshold == 0.9 and app.region == "GB"  # applied at once
    data = tomllib.loads(path.read_text())
    assert data["audio"] == {"output": "null", "listened_threshold": 0.9}
    assert data["callback"] == {"default_region": "GB"}
    assert (tmp_path / "config.toml.orig").read_text() == HAND_WRITTEN
    again = VoicemailApp(store=Store(tmp_path / "lib2.sqlite3"), config=config_module.load(path), sources=[],
                         scan_on_start=False)
    assert again.config.audio.listened_threshold == 0.9 and again.region == "GB"
    assert again.config.sources.folders == ("~/Phone/Voicemail",) and again.config.sources.watch is False
    assert again.config.keys["play"] == ("p", "enter") and again.config.keys["replay_evidence"] == ("z",)

    second = _app(tmp_path, path)  # the file is now the program's own: no second .orig
    (tmp_path / "config.toml.orig").write_text(HAND_WRITTEN + "# untouched\n")
    async with second.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(second.screen, SettingsScreen), what="settings")
        await _type_into(pilot, second, "export", "~/calls.txt")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(second.screen, SettingsScreen), what="saved")
        assert "kept as" not in _notes(second)
    assert tomllib.loads(path.read_text())["export"] == {"path": "~/calls.txt"}
    assert (tmp_path / "config.toml.orig").read_text() == HAND_WRITTEN + "# untouched\n"


@pytest.mark.parametrize("field, value, message", [
    ("threshold", "2", "[audio] listened_threshold must be a number between 0.5 and 1.0, not 2.0."),
    ("threshold", "most", "[audio] listened_threshold must be a number between 0.5 and 1.0, not 'most'."),
    ("region", "Narnia", "[callback] default_region must be a two-letter region code"),
    ("export", "", "[export] path must be a file path"),
])
async def test_a_bad_value_is_refused_in_the_form_and_never_written(tmp_path, field, value, message):
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN)
    app = _app(tmp_path, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), what="settings")
        await _type_into(pilot, app, field, value)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)  # still open, with the reason
        status = str(app.screen.query_one("#status").render())
        assert status.startswith("Not saved: ") and message in status
    assert path.read_text() == HAND_WRITTEN and not (tmp_path / "config.toml.orig").exists()


async def test_first_save_without_a_file_creates_it_in_the_init_format(tmp_path):
    path = tmp_path / "cfg" / "voicemail-tui" / "config.toml"
    app = _app(tmp_path, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), what="settings")
        app.screen.query_one("#transcription").focus()
        await pilot.press("enter")  # the switch
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen), what="saved")
    from tui.config_file import FILE_HEADER

    text = path.read_text()
    assert text.startswith(FILE_HEADER) and tomllib.loads(text) == {"transcription": {"enabled": False}}
    assert not path.with_name("config.toml.orig").exists()


def test_a_file_written_by_init_is_not_kept_as_orig(tmp_path):
    import subprocess
    import sys

    from tui.config_file import save

    path = tmp_path / "config.toml"
    subprocess.run([sys.executable, "-m", "tui", "--config", str(path), "init", "--source", "~/vm"], check=True,
                   capture_output=True)
    saved = save(path, {"ui": {"theme": "textual-light"}})
    assert saved.kept_original is None and not path.with_name("config.toml.orig").exists()
    assert config_module.load(path).ui.theme == "textual-light"
    assert config_module.load(path).sources.folders == ("~/vm",)


def test_settings_screen_layout(snap_compare, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN)
    app = _app(tmp_path, path)
    app.config_path = type(path)("/home/sam/.config/voicemail-tui/config.toml")  # a fixed path on screen

    async def before(pilot):
        await pilot.press("o")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


async def test_hostile_values_in_the_file_stay_text(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[audio]\noutput = "file:/tmp/[/][@click=app.quit]x.wav"\n[export]\npath = "~/[b]notes[/b].txt"\n')
    app = _app(tmp_path, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), what="settings")
        await pilot.pause()
        assert app.screen.query_one("#export").value == "~/[b]notes[/b].txt"
        screen = "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())
        assert "file:/tmp/[/][@click=app.quit]x.wav" in screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, SettingsScreen)
    assert path.read_text().startswith('[audio]\noutput = "file:')  # closed without saving: untouched
