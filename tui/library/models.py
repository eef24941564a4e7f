"""Plain data the library hands out. Immutable snapshots: the store is the only writer."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.audio.coverage import heard_fraction


class State(str, enum.Enum):
    NEW = "new"
    PARTIAL = "partial"
    LISTENED = "listened"
    CALLED_BACK = "called_back"
    ERROR = "error"


class Provenance(str, enum.Enum):
    METADATA = "metadata"
    EXTRACTED = "extracted"
    EDITED = "edited"
    CONTACT = "contact"  # from your address book ([contacts] paths)


@dataclass(frozen=True, slots=True)
class Contact:
    """A person in your contacts whose number is the caller ID's."""

    name: str | None
    organization: str | None
    source: str  # the vCard file it came from


# Callback fields, in the order the pane and the export show them.
CALLBACK_FIELDS: tuple[str, ...] = ("name", "company", "request", "number", "extension", "ask_for")
FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "company": "Company",
    "request": "Request",
    "number": "Number to call",
    "extension": "Extension",
    "ask_for": "Ask for",
}


# The outcome stored when you accept "no call needed": the message leaves "to call" as handled.
NO_CALL_OUTCOME = "no call needed"


@dataclass(frozen=True, slots=True)
class Found:
    """What an importer learned about one audio file, before it is in the library.

    Everything is optional except the path and layout; the scanner fills in identity
    (content hash), size/mtime and, when the importer did not, the duration.
    """

    path: str
    layout: str  # "plain" | "asterisk" | "google_voice" | ...
    caller_number: str | None = None  # E.164 when known
    caller_name: str | None = None
    received_at: datetime | None = None  # timezone-aware
    received_at_source: str | None = None  # "json sidecar", "file name", "mtime", ...
    duration_s: float | None = None
    folder: str | None = None  # e.g. Asterisk "INBOX" / "Old"
    heard_elsewhere: bool = False  # e.g. Asterisk Old: heard on a phone (does NOT count as listened)
    urgent: bool = False
    sidecar: str | None = None
    sidecar_transcript: str | None = None  # e.g. Google Voice's own transcript (second opinion)
    error: str | None = None  # a reason when the file cannot be used (becomes an error row)
    error_transient: bool = False  # the error is not the file's content (I/O, our own failure): retried
    # The source's own identity for the message (Asterisk msg_id, a Takeout page's time and
    # caller, an email's Message-ID), or None. Two byte-identical recordings with different
    # keys are two messages; see `tui.library.identity`.
    source_key: str | None = None
    caller_raw: str | None = None  # the number as the source wrote it when it is no full number ("1001")
    source_note: str | None = None  # something odd the source said about itself (shown in the details)
    audio: str | None = None  # where the audio is when `path` is no audio file (a mail: the extracted copy)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallbackField:
    value: str | None
    provenance: Provenance
    confidence: str | None = None  # "high" | "low" | None (unknown)
    evidence: tuple[float, float] | None = None  # [start_s, end_s] where it was said
    note: str | None = None  # e.g. "said twice: 206-555-0143 / 206-555-0134"
    # How likely the value is right, 0..1, from the extractor's signals (tui/extract/score.py);
    # "high" confidence = score at or above the field's threshold. Not stored: the library keeps
    # the confidence the score led to.
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    path: str
    layout: str
    received_at: datetime
    duration_s: float | None
    caller_number: str | None
    caller_name: str | None
    folder: str | None
    heard_elsewhere: bool
    error: str | None
    missing: bool
    heard: tuple[tuple[float, float], ...]  # source-time intervals actually played out
    position_s: float
    listened_at: datetime | None
    called_back_at: datetime | None
    outcome: str | None
    transcript_status: str | None = None  # None | "pending" (queued) | "transcribing" | "done" | "no_speech" | "failed"
    transcript_error: str | None = None
    sidecar_transcript: str | None = None
    error_transient: bool = False  # the error is not the file's content: the next scan tries again
    archived_at: datetime | None = None  # out of every view but "archived"; the file is untouched

    @property
    def archived(self) -> bool:
        return self.archived_at is not None
    caller_raw: str | None = None  # e.g. "1001" (an internal extension), "555-5555": never made into E.164
    source_note: str | None = None  # e.g. "the page's timestamps disagree: ..."
    audio_path: str | None = None  # the extracted audio when `path` is a mail (tui.library.mail.cache)
    contact: Contact | None = None  # the caller in your contacts (by caller ID number), never stored

    @property
    def audio(self) -> str:
        """What to play and transcribe: the file itself, or a mail's extracted attachment."""
        return self.audio_path or self.path

    @property
    def heard_fraction(self) -> float:
        return heard_fraction(self.heard, self.duration_s)  # the one definition of coverage

    @property
    def state(self) -> State:
        if self.error:
            return State.ERROR
        if self.called_back_at is not None:
            return State.CALLED_BACK
        if self.listened_at is not None:
            return State.LISTENED
        if self.heard:
            return State.PARTIAL
        return State.NEW

    @property
    def listened(self) -> bool:
        return self.listened_at is not None

    @property
    def no_call_needed(self) -> bool:
        """Handled without a call: you accepted "no call needed"."""
        return self.called_back_at is not None and self.outcome == NO_CALL_OUTCOME


@dataclass(frozen=True, slots=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Word:
    start: float
    end: float
    text: str
    p: float = 1.0  # token probability (whisper), 1.0 when unknown


@dataclass(frozen=True, slots=True)
class Transcript:
    text: str
    segments: tuple[Segment, ...]
    words: tuple[Word, ...]
    model: str
    language: str | None = None
    speech: bool = True  # False: the voice-activity check found no speech (a hang-up, line noise)
