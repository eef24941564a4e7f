"""Messages the app's workers and the player post back to the UI (each thread posts one kind)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class PlayerChanged(Message):
    """A player snapshot (posted from the player's thread, merged when the UI lags)."""

    snapshot: Any

    def can_replace(self, message: Message) -> bool:
        # Only an older snapshot of the same state may be dropped: transitions always arrive.
        return isinstance(message, PlayerChanged) and message.snapshot.state == self.snapshot.state


@dataclass
class OutputReady(Message):
    output: Any  # tui.audio.outputs.Output, or None when unavailable
    error: str | None = None


@dataclass
class BackgroundStage(Message):
    """`tui.worker_imports` has imported what one stage's background jobs need: "scan", "playback", "transcribe"."""

    stage: str


@dataclass
class ScanFinished(Message):
    report: Any  # tui.library.scan.ScanReport


@dataclass
class LibraryChanged(Message):
    """Another process (or a background job) changed the library: reload what is shown."""

    message_ids: tuple[str, ...] = ()


@dataclass
class TranscriptionProgress(Message):
    done: int
    total: int
    message_id: str | None = None
    error: str | None = None


@dataclass
class FilesChanged(Message):
    """The folder watcher saw these paths settle (or vanish): each means the path and all under it."""

    paths: frozenset[str]


@dataclass
class TranscriberReady(Message):
    enricher: Any  # tui.enrich.Enricher, or None when no model is usable
    error: str | None = None
