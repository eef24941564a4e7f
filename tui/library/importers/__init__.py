"""Importers turn one audio file (plus its sidecars) into a `Found` record.

Each importer module exposes:

    LAYOUT: str
    def claims(path: pathlib.Path) -> bool      # cheap, by name/siblings only; no audio reads
    def read(path: pathlib.Path, stat: os.stat_result, *, region: str, zone: tzinfo | None) -> Found
        # metadata only (sidecars, file name); `zone`: [sources] timezone for naive times
        # (None: this machine's); never raises for bad input: returns
        # Found(error=...) instead. Must not write anything.

`importer_for(path)` picks the first importer that claims the file; `plain` claims all
that the scanner hands it: `not_a_message(path)` (Takeout call records other than voicemail,
anything else in a Takeout `Voice/Calls` folder) is asked first and such files are skipped.
A `Found` carries `source_key` (half of the message's identity, `tui.library.identity`) and
`caller_raw` (the number as the source wrote it; `caller_number` is E.164 or None).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from tui.audio.formats import RAW_SUFFIXES
from tui.library.importers import asterisk, google_voice, plain
from tui.library.importers.asterisk import group_entries, sidecar_claims  # noqa: F401 - scanner hooks
from tui.library.importers.google_voice import not_a_message  # noqa: F401 - scanner hook

AUDIO_SUFFIXES = frozenset(
    {".wav", ".mp3", ".m4a", ".aac", ".mp4", ".ogg", ".oga", ".opus", ".flac", ".amr", ".gsm", ".3gp", ".wma", ".webm",
     # Asterisk's raw formats (tui.audio.formats). Ambiguous names (.raw, .pcm, .ul, .mu, .al) only as msgNNNN.
     ".wav16", ".ulaw", ".ulw", ".alaw", ".alw", ".sln", ".g722",
     *(suffix for suffix in RAW_SUFFIXES if suffix.startswith(".sln"))}
)
_ASTERISK_ONLY = frozenset(RAW_SUFFIXES - AUDIO_SUFFIXES)

# Most specific first; `plain` claims everything the others leave.
IMPORTERS: list[ModuleType] = [asterisk, google_voice, plain]


def is_audio(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in AUDIO_SUFFIXES or (suffix in _ASTERISK_ONLY and path.name.startswith("msg"))


def is_audio_name(name: str, suffix: str) -> bool:
    """The walk's test (`suffix` lower-cased, with its dot): no Path objects on the hot path."""
    return suffix in AUDIO_SUFFIXES or (suffix in _ASTERISK_ONLY and name.startswith("msg"))


def importer_for(path: Path) -> ModuleType:
    for importer in IMPORTERS:
        if importer.claims(path):
            return importer
    return plain
