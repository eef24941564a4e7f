"""The settings key: open the form, save through tui.config_file, apply what can change at once (mixin)."""

from __future__ import annotations

from tui.app.screens.settings import SettingsScreen
from tui.text import clean

NEEDS_RESTART = (("audio", "output"), ("transcription", "enabled"), ("transcription", "model"))


class SettingsActions:
    """Mixed into VoicemailApp; uses its config, config_path, demo flag and theme."""

    def action_settings(self) -> None:
        if self.demo or self.config_path is None:
            self.notify("The demo does not save settings: run voicemail-tui with your own config.", markup=False)
            return
        from tui.config_file import save

        path = self.config_path
        self.push_screen(
            SettingsScreen(self.config, lambda changes: save(path, changes), themes=list(self.available_themes),
                           probe=self.settings_probe, where=clean(str(path), single_line=True)),
            self._settings_saved,
        )

    def _settings_saved(self, saved) -> None:
        if saved is None:
            return
        old, new = self.config, saved.config
        self.config = new
        if new.ui.theme in self.available_themes:
            self.theme = new.ui.theme
        self.region = new.callback.default_region
        self.inbox.region = self.region
        self.reload()
        restart = [f"[{s}] {k}" for s, k in NEEDS_RESTART if getattr(getattr(old, s), k) != getattr(getattr(new, s), k)]
        message = f"Settings saved to {clean(str(self.config_path), single_line=True)}."
        if saved.kept_original is not None:
            message += (f" Your hand-written file is kept as {clean(str(saved.kept_original), single_line=True)}"
                        " (saving keeps no comments).")
        if restart:
            message += " " + ", ".join(restart) + " take effect when you restart."
        self.notify(message, timeout=20, markup=False)
