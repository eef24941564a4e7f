"""Saving settings into the user's config file: validated by the same code that reads it, written
with tomli-w atomically, and a hand-written file kept once as `config.toml.orig` (tomli-w keeps no
comments). `voicemail-tui init` writes the same format (FILE_HEADER + tomli-w)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tomli_w

from tui.config import Config, parse
from tui.errors import ConfigError

FILE_HEADER = "# voicemail-tui configuration: every key is documented in config.example.toml\n\n"


_FORM = "settings"


def dumps(data: dict[str, Any]) -> str:
    return FILE_HEADER + tomli_w.dumps(data)


def _machine_written(text: str) -> bool:
    """True when `text` is exactly what this program writes for its data: nothing to lose by rewriting."""
    try:
        return text == dumps(tomllib.loads(text))
    except tomllib.TOMLDecodeError:
        return False


@dataclass(frozen=True)
class Saved:
    config: Config
    kept_original: Path | None  # set when this save kept the hand-written file


def save(path: Path, changes: dict[str, dict[str, Any]]) -> Saved:
    """Merge `changes` ({section: {key: value or None to remove}}) into the file at `path` and write it.

    Raises ConfigError (nothing written) when the result would not load: a bad value is refused.
    """
    from tui.export import ExportError, write_atomic

    path = path.expanduser()
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({getattr(exc, 'strerror', None) or exc}).") from None
    try:
        data = tomllib.loads(existing) if existing else {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: the file is no longer valid TOML ({exc}); fix it by hand first.") from None
    for section, values in changes.items():
        table = data.setdefault(section, {})
        for key, value in values.items():
            if value is None:
                table.pop(key, None)
            else:
                table[key] = list(value) if isinstance(value, tuple) else value
        if not table:
            data.pop(section)
    text = dumps(data)
    try:
        config = replace(parse(tomllib.loads(text), source=_FORM), path=str(path))  # the reader's own rules
    except ConfigError as exc:
        raise ConfigError(str(exc).removeprefix(_FORM + ": ")) from None
    kept = None
    if existing and not _machine_written(existing):
        original = path.with_name(path.name + ".orig")
        if not original.exists():
            try:
                write_atomic(original, existing)
            except ExportError as exc:
                raise ConfigError(f"Not saved: could not keep the original as {original} ({exc}).") from None
            kept = original
    try:
        write_atomic(path, text)
    except ExportError as exc:
        raise ConfigError(str(exc)) from None
    return Saved(config, kept)
