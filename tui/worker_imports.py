"""The imports background threads need, done once, by one thread, before those threads run.

Python imports are only safe across threads for packages without internal import cycles:
mutagen's format modules import each other, and when a scan thread imported `mutagen.mp3`
while another imported `mutagen.mp4`, the import lock raised "deadlock detected" or handed out
a half-initialised module, and a good voicemail was stored as unreadable (issue #16). So
nothing the scan, the player, the watcher or the transcriber needs is imported lazily on a
worker thread: `load()` imports all of it under one lock, and the app runs it (off the UI
loop) before it starts any of them. `tui.library.header` also imports mutagen's formats at its
own import, so a scan started by the command line is safe without this.
"""

from __future__ import annotations

import importlib
import threading

# What each background job imports on its thread, by the stage that starts those jobs.
SCAN: tuple[str, ...] = (
    "_strptime",               # datetime.strptime (importers) imports it on first use
    "tui.library.header",      # mutagen's format modules (imported eagerly there)
    "tui.library.scan",        # the scan worker and its thread pool
    "tui.library.watch",       # the folder watcher (watchfiles)
    "tui.library.contacts",    # vCards (vobject), read by the contacts worker
)
PLAYBACK: tuple[str, ...] = (
    "tui.audio.outputs",       # the output worker (open_output, probe)
    "tui.audio.probe",
    "tui.audio.decode",        # clips, transcription input (numpy, pydub)
    "tui.audio.stream",        # the player's decoder thread (pydub.utils)
    "tui.audio.segments",      # the pydub layer both use (AudioSegment pieces)
    "tui.audio.ffmpeg",        # the one ffmpeg command builder, and the raw-format table
    "tui.audio.formats",
    "tui.audio.player",
)
TRANSCRIBE: tuple[str, ...] = (
    "tui.enrich",              # the transcriber's start worker and service thread
    "tui.transcribe.model",
    "tui.transcribe.engine",
    "tui.transcribe.worker",
)
EVERYTHING = (SCAN, PLAYBACK, TRANSCRIBE)

_lock = threading.Lock()
_loaded: set[str] = set()
loading_thread: int | None = None  # the thread inside load() now (tests watch imports by thread)


def load(*stages: tuple[str, ...]) -> None:
    """Import the modules of `stages` (default: all) once; other callers wait until they are in."""
    global loading_thread
    names = [name for stage in (stages or EVERYTHING) for name in stage]
    if _loaded.issuperset(names):
        return
    with _lock:
        loading_thread = threading.get_ident()
        try:
            for name in names:
                if name not in _loaded:
                    importlib.import_module(name)
                    _loaded.add(name)
        finally:
            loading_thread = None
