"""Importers turn one audio file (plus its sidecars) into a `Found` record.

Each importer module exposes:

    LAYOUT: str
    def claims(path: pathlib.Path) -> bool      # cheap, by name/siblings only; no audio reads
    def read(path: pathlib.Path, stat: os.stat_result, *, region: str) -> Found
        # metadata only (sidecars, file name); never raises for bad input: returns
        # Found(error=...) instead. Must not write anything.

`importer_for(path)` picks the first importer that claims the file; `plain` claims all.
`IGNORED_SIDECARS` are suffixes that are metadata, never audio.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from tui.library.importers import asterisk, google_voice, plain
from tui.library.importers.asterisk import group_entries, sidecar_claims  # noqa: F401 - scanner hooks
from tui.library.importers.google_voice import not_a_message  # noqa: F401 - scanner hook

AUDIO_SUFFIXES = frozenset(
    {".wav", ".mp3", ".m4a", ".aac", ".mp4", ".ogg", ".oga", ".opus", ".flac", ".amr", ".gsm", ".3gp", ".wma", ".webm"}
)

# Most specific first; `plain` claims everything the others leave.
IMPORTERS: list[ModuleType] = [asterisk, google_voice, plain]


def is_audio(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_SUFFIXES


def importer_for(path: Path) -> ModuleType:
    for importer in IMPORTERS:
        if importer.claims(path):
            return importer
    return plain
