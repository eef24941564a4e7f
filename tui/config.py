"""Typed configuration: TOML in, validated dataclasses out; unknown keys and bad values are errors.

Every error names the file and line (`config.toml:12: [audio] listened_threshold must be a number
between 0.5 and 1.0`) and becomes exit code 2 in the CLI.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from tui.errors import ConfigError
from tui.keymap import ACTIONS, DEFAULT_KEYS, validate_keys

AUDIO_OUTPUTS = ("auto", "sounddevice", "pacat", "null")
SPEEDS = (1.0, 1.25, 1.5, 2.0)


@dataclass(frozen=True)
class SourcesConfig:
    folders: tuple[str, ...] = ()
    watch: bool = True
    timezone: str | None = None  # IANA name: the phone system's zone for naive times; None: this machine's


@dataclass(frozen=True)
class ContactsConfig:
    paths: tuple[str, ...] = ()  # vCard files or folders of them (vdirsyncer: one .vcf per contact)


@dataclass(frozen=True)
class AudioConfig:
    output: str = "auto"
    listened_threshold: float = 0.97
    buffer_ms: int | None = None  # None: ~100 locally, ~500 through an SSH tunnel
    device: str | None = None


@dataclass(frozen=True)
class TranscriptionConfig:
    enabled: bool = True
    model: str = "auto"
    language: str = "en"
    threads: int = 0  # 0: cores - 1, at least 1


@dataclass(frozen=True)
class CallbackConfig:
    default_region: str = "US"
    dial_command: tuple[str, ...] | None = None  # argv, "{number}" = the validated E.164 number; None: off


@dataclass(frozen=True)
class ExportConfig:
    path: str = "~/voicemail-callbacks.txt"


@dataclass(frozen=True)
class UIConfig:
    theme: str = "textual-dark"
    relative_time_days: int = 7


@dataclass(frozen=True)
class Config:
    sources: SourcesConfig = field(default_factory=SourcesConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    transcription: TranscriptionConfig = field(default_factory=TranscriptionConfig)
    callback: CallbackConfig = field(default_factory=CallbackConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    ui: UIConfig = field(default_factory=UIConfig)
    contacts: ContactsConfig = field(default_factory=ContactsConfig)
    keys: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_KEYS))
    path: str | None = None  # where it was loaded from

    def source_folders(self) -> list[Path]:
        return [Path(os.path.expanduser(folder)) for folder in self.sources.folders]

    def source_zone(self):
        """[sources] timezone as a tzinfo (validated on load), None for this machine's zone."""
        from tui.library.zone import named

        return named(self.sources.timezone)

    def contact_paths(self) -> list[Path]:
        return [Path(os.path.expanduser(path)) for path in self.contacts.paths]

    def export_path(self) -> Path:
        return Path(os.path.expanduser(self.export.path))


_SECTIONS = {
    "sources": SourcesConfig,
    "audio": AudioConfig,
    "transcription": TranscriptionConfig,
    "callback": CallbackConfig,
    "export": ExportConfig,
    "ui": UIConfig,
    "contacts": ContactsConfig,
}


class _Lines:
    """Finds the line of `[section] key` in the raw TOML text, for error messages.

    Understands every way TOML can spell it: a `[section]` table, `[section.key]` and
    `[[section]]` headers, dotted keys (`section.key = ...`) and inline tables
    (`section = { key = ... }`), with bare or quoted names.
    """

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    @staticmethod
    def _name(name: str) -> str:
        return rf"(?:\"{re.escape(name)}\"|'{re.escape(name)}'|{re.escape(name)})"

    @staticmethod
    def _parts(header: str) -> list[str]:
        return [part.strip().strip("\"'") for part in header.split(".")]

    def of(self, section: str, key: str | None = None) -> int | None:
        current: list[str] | None = None  # None: top level
        sec = self._name(section)
        for number, line in enumerate(self._lines, 1):
            match = self._HEADER.match(line)
            if match:
                current = self._parts(match.group(1))
                if current[0] == section and (key is None or current[1:2] == [key]):
                    return number
                continue
            if current is None:
                if key is None and re.match(rf"^\s*{sec}\s*[.=]", line):
                    return number
                if key is not None and (
                    re.match(rf"^\s*{sec}\s*\.\s*{self._name(key)}\s*[.=]", line)
                    or re.match(rf"^\s*{sec}\s*=\s*\{{(?:.*,)?\s*{self._name(key)}\s*=", line)
                ):
                    return number
            elif key is not None and current == [section]:
                if re.match(rf"^\s*{self._name(key)}\s*[.=]", line):
                    return number
        return None


def load(path: Path | None, *, required: bool = False) -> Config:
    """Load and validate `path`. A missing default file gives the defaults; a missing explicit one is an error."""
    if path is None:
        return Config()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{path}: no such config file. Create one with: voicemail-tui init") from None
        return Config()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the config file is not UTF-8 text (byte {exc.start}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}:{_toml_error(exc)}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: values nested too deeply.") from None
    return parse(data, source=str(path), text=text)


def _toml_error(exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message).strip()
    if match:
        return f"{match.group(1)}: invalid TOML: {reason} (column {match.group(2)})."
    return f" invalid TOML: {reason}."


def parse(data: dict[str, Any], *, source: str = "<config>", text: str = "") -> Config:
    lines = _Lines(text)

    def fail(section: str, key: str | None, reason: str) -> ConfigError:
        line = lines.of(section, key)
        where = f"{source}:{line}" if line else source
        name = f"[{section}] {key}" if key else f"[{section}]"
        return ConfigError(f"{where}: {name} {reason}")

    unknown = sorted(set(data) - set(_SECTIONS) - {"keys"})
    if unknown:
        section = unknown[0]
        line = lines.of(section)
        if line is None:
            line = next((n for n, l in enumerate(text.splitlines(), 1) if re.match(rf"^\s*{re.escape(section)}\s*=", l)), None)
        where = f"{source}:{line}" if line else source
        known = ", ".join(sorted([*_SECTIONS, "keys"]))
        raise ConfigError(f"{where}: unknown section or key '{section}' (known sections: {known}).")

    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise fail(name, None, "must be a table.")
        sections[name] = _build(cls, name, table, fail)

    keys = dict(DEFAULT_KEYS)
    raw_keys = data.get("keys", {})
    if not isinstance(raw_keys, dict):
        raise fail("keys", None, "must be a table of action = key or [keys].")
    for action, value in raw_keys.items():
        if action not in ACTIONS:
            raise fail("keys", action, f"is not an action (known: {', '.join(sorted(ACTIONS))}).")
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise fail("keys", action, "must be a key name or a list of key names.")
        keys[action] = tuple(value)
    problem = validate_keys(keys)
    if problem:
        action, reason = problem
        raise fail("keys", action if action in raw_keys else None, reason)
    return Config(**sections, keys=keys, path=source)


def _build(cls: type, section: str, table: dict[str, Any], fail) -> Any:
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise fail(section, key, f"is not a known key (known: {', '.join(known)}).")
        values[key] = _check(section, key, value, fail)
    return cls(**values)


def _check(section: str, key: str, value: Any, fail) -> Any:  # noqa: C901 - one table of rules
    def want(kind: str, ok: bool) -> None:
        if not ok:
            raise fail(section, key, f"must be {kind}, not {_describe(value)}.")

    match (section, key):
        case ("sources", "folders"):
            want("a list of folder paths", isinstance(value, list) and all(isinstance(v, str) and v for v in value))
            return tuple(value)
        case ("sources", "timezone"):
            from tui.library.zone import named

            ok = isinstance(value, str) and bool(value)
            if ok:
                try:
                    named(value)
                except ValueError:
                    ok = False
            want('an IANA time zone name such as "America/New_York" or "UTC"', ok)
            return value
        case ("contacts", "paths"):
            want("a list of vCard files or folders", isinstance(value, list) and all(isinstance(v, str) and v for v in value))
            return tuple(value)
        case ("sources", "watch") | ("transcription", "enabled"):
            want("true or false", isinstance(value, bool))
            return value
        case ("audio", "output"):
            ok = isinstance(value, str) and (value in AUDIO_OUTPUTS or (value.startswith("file:") and value.endswith(".wav") and len(value) > 9))
            want('"auto", "sounddevice", "pacat", "null" or "file:PATH.wav"', ok)
            return value
        case ("audio", "listened_threshold"):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0.5 <= float(value) <= 1.0
            want("a number between 0.5 and 1.0", ok)
            return float(value)
        case ("audio", "buffer_ms"):
            want("a whole number of milliseconds from 20 to 5000", isinstance(value, int) and not isinstance(value, bool) and 20 <= value <= 5000)
            return value
        case ("audio", "device"):
            want("a device name", isinstance(value, str) and bool(value))
            return value
        case ("transcription", "model"):
            want('"auto" or a path to a ggml model file', isinstance(value, str) and bool(value))
            return value
        case ("transcription", "language"):
            want('a language code such as "en" (or "auto")', isinstance(value, str) and re.fullmatch(r"[a-z]{2,3}|auto", value) is not None)
            return value
        case ("transcription", "threads"):
            want("a whole number from 0 (automatic) to 64", isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 64)
            return value
        case ("callback", "default_region"):
            import phonenumbers

            ok = isinstance(value, str) and value.upper() in phonenumbers.SUPPORTED_REGIONS
            want('a two-letter region code such as "US" or "GB"', ok)
            return value.upper()
        case ("callback", "dial_command"):
            ok = (isinstance(value, list) and 0 < len(value) <= 64 and all(isinstance(v, str) and v for v in value)
                  and any("{number}" in v for v in value))
            want('a command as a list of arguments with "{number}" in one, e.g. ["kdeconnect-cli", "--share", "tel:{number}"]', ok)
            return tuple(value)
        case ("export", "path"):
            want("a file path", isinstance(value, str) and bool(value.strip()))
            return value
        case ("ui", "theme"):
            want("a theme name", isinstance(value, str) and bool(value))
            return value
        case ("ui", "relative_time_days"):
            want("a whole number of days from 0 to 365", isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 365)
            return value
    raise fail(section, key, "is not a known key.")  # pragma: no cover - guarded by _build


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, (int, float)):
        return str(value)
    return type(value).__name__


def to_toml(config: Config) -> str:
    """The config as TOML (tomli-w), with None values left out (TOML has no null)."""
    data: dict[str, Any] = {}
    for name in _SECTIONS:
        section = getattr(config, name)
        table = {}
        for f in fields(section):
            value = getattr(section, f.name)
            if value is None:
                continue
            table[f.name] = list(value) if isinstance(value, tuple) else value
        data[name] = table
    changed = {action: list(keys) for action, keys in config.keys.items() if DEFAULT_KEYS.get(action) != keys}
    if changed:
        data["keys"] = changed
    return tomli_w.dumps(data)


def starter(folders: list[str] | None = None) -> Config:
    return replace(Config(), sources=SourcesConfig(folders=tuple(folders or ["~/Voicemail"])))
