"""The settings screen: a form over the config file. Saved with tomli-w atomically by
tui.config_file, validated by the code that reads the config (a bad value is refused here and never
written). Only the values you change are written; everything else in the file stays."""

from __future__ import annotations

import importlib.util
import shutil
from typing import Any, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, Switch

from tui.config import AUDIO_OUTPUTS, Config
from tui.errors import ConfigError

LABEL_WIDTH = 22


def output_verdicts(result) -> dict[str, str]:
    """One short verdict per audio output, from the sound-server probe (`tui.audio.probe`)."""
    server_ok = result is not None and result.ok
    where = f"plays on {result.sink or 'the default sink'}" if server_ok else (result.reason if result else "not checked")
    verdicts = {
        "auto": where if server_ok else f"no sound: {where}",
        "sounddevice": where if importlib.util.find_spec("sounddevice") else "sounddevice (PortAudio) is not installed",
        "pacat": where if shutil.which("pacat") else "pacat is not installed (pulseaudio-utils)",
        "null": "silent, in real time (tests, headless machines)",
    }
    if not server_ok:
        for name in ("sounddevice", "pacat"):
            if "not installed" not in verdicts[name]:
                verdicts[name] = f"no sound: {where}"
    return verdicts


class SettingsScreen(ModalScreen[Any]):
    """Dismisses with what tui.config_file.save returned (Saved), or None when closed without saving."""

    BINDINGS = [
        Binding("escape", "cancel", "Close", show=False),
        Binding("ctrl+s", "save", "Save", show=False),
    ]
    DEFAULT_CSS = """
    SettingsScreen { align: center middle; }
    SettingsScreen > Vertical { width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    SettingsScreen VerticalScroll { height: auto; max-height: 16; }
    SettingsScreen .row { height: 1; margin-bottom: 1; }
    SettingsScreen .row Label { width: 22; }
    SettingsScreen .row Input, SettingsScreen .row Select { width: 1fr; }
    SettingsScreen .row Switch { border: none; height: 1; padding: 0; width: auto; }
    SettingsScreen .row.tight { margin-bottom: 0; }
    SettingsScreen #verdict { margin-bottom: 1; }
    SettingsScreen #verdict { color: $text-muted; height: auto; }
    SettingsScreen #status { height: auto; }
    SettingsScreen #status.error { color: $error; text-style: bold; }
    """

    def __init__(self, config: Config, save: Callable[[dict[str, dict[str, Any]]], Any], *,
                 themes: list[str], probe: Callable[[], Any] | None, where: str) -> None:
        super().__init__()
        self._config = config
        self._save = save  # changes -> tui.config_file.Saved (raises ConfigError)
        self._themes = themes
        self._probe = probe
        self._where = where
        self._verdicts: dict[str, str] = {}

    def _outputs(self) -> list[str]:
        current = self._config.audio.output
        return [*AUDIO_OUTPUTS, *([current] if current not in AUDIO_OUTPUTS else [])]

    def compose(self) -> ComposeResult:
        c = self._config
        with Vertical():
            title = Text("Settings", style="bold")
            title.append(f"  saved to {self._where}", style="dim")
            yield Static(title, markup=False)
            with VerticalScroll():
                yield from self._row("Audio output", Select([(Text(o), o) for o in self._outputs()], value=c.audio.output,
                                                             allow_blank=False, id="output", compact=True), tight=True)
                yield Static("", id="verdict", markup=False)
                yield from self._row("Listened threshold", Input(str(c.audio.listened_threshold), id="threshold", compact=True))
                yield from self._row("Transcription", Switch(c.transcription.enabled, id="transcription"))
                yield from self._row("Speech model", Input(c.transcription.model, id="model", compact=True))
                yield from self._row("Default region", Input(c.callback.default_region, id="region", compact=True))
                themes = sorted(set(self._themes) | {c.ui.theme})
                yield from self._row("Theme", Select([(Text(t), t) for t in themes], value=c.ui.theme, allow_blank=False, id="theme", compact=True))
                yield from self._row("Export path", Input(c.export.path, id="export", compact=True))
            yield Static(Text("Ctrl+S save · Esc close · keys: [keys] in the file", style="dim"), markup=False)
            yield Static("", id="status", markup=False)

    def _row(self, label: str, widget, *, tight: bool = False) -> ComposeResult:
        with Horizontal(classes="row tight" if tight else "row"):
            yield Label(label, markup=False)
            yield widget

    def on_mount(self) -> None:
        self.query_one("#output", Select).focus()
        self._show_verdict()
        if self._probe is not None:
            self._run_probe()

    @work(thread=True, exclusive=True, group="settings-probe", exit_on_error=False)
    def _run_probe(self) -> None:
        result = self._probe()
        self.app.call_from_thread(self._probed, result)

    def _probed(self, result) -> None:
        self._verdicts = output_verdicts(result)
        self._show_verdict()

    @on(Select.Changed, "#output")
    def _show_verdict(self, _event=None) -> None:
        output = self.query_one("#output", Select).value
        verdict = self._verdicts.get(str(output)) if self._verdicts else "checking the sound server…"
        if str(output).startswith("file:"):
            verdict = "records what is played to a WAV file"
        self.query_one("#verdict", Static).update(Text(" " * LABEL_WIDTH + (verdict or "")))

    def changes(self) -> dict[str, dict[str, Any]]:
        """The values that differ from the loaded config, as {section: {key: value}}."""
        c = self._config
        threshold_text = self.query_one("#threshold", Input).value.strip()
        try:
            threshold: Any = float(threshold_text)
        except ValueError:
            threshold = threshold_text  # the reader refuses it with its own message
        form = {
            ("audio", "output"): (self.query_one("#output", Select).value, c.audio.output),
            ("audio", "listened_threshold"): (threshold, c.audio.listened_threshold),
            ("transcription", "enabled"): (self.query_one("#transcription", Switch).value, c.transcription.enabled),
            ("transcription", "model"): (self.query_one("#model", Input).value.strip(), c.transcription.model),
            ("callback", "default_region"): (self.query_one("#region", Input).value.strip().upper(), c.callback.default_region),
            ("ui", "theme"): (self.query_one("#theme", Select).value, c.ui.theme),
            ("export", "path"): (self.query_one("#export", Input).value.strip(), c.export.path),
        }
        changes: dict[str, dict[str, Any]] = {}
        for (section, key), (value, current) in form.items():
            if value != current:
                changes.setdefault(section, {})[key] = value
        return changes

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "error")
        status.update(Text(text))

    @on(Input.Submitted)
    def action_save(self, _event=None) -> None:
        changes = self.changes()
        if not changes:
            self._status("Nothing changed.")
            return
        try:
            saved = self._save(changes)
        except ConfigError as exc:
            self._status(f"Not saved: {exc}", error=True)  # refused: the file is untouched
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        self.dismiss(None)
