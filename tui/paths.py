"""XDG locations. Every path the program writes to by default comes from here."""

from __future__ import annotations

import os
from pathlib import Path

APP = "voicemail-tui"


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / fallback


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / APP


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / APP


def state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state") / APP


def default_config() -> Path:
    return config_dir() / "config.toml"


def default_db() -> Path:
    return data_dir() / "library.sqlite3"


def model_dir() -> Path:
    return data_dir() / "models"


def log_file() -> Path:
    """Where noise from audio libraries (fd 2) and worker processes goes, never the screen."""
    return state_dir() / "voicemail-tui.log"


def repo_assets() -> Path:
    """The bundled demo voicemails."""
    return Path(__file__).resolve().parent.parent / "assets"
