"""The library's schema: the migrations that build it, and how a message row reads.

`Store` (tui/library/store.py) applies `MIGRATIONS` in order (PRAGMA user_version) and reads
messages with `MESSAGE_COLUMNS` / `message_from_row`. A schema change is one more migration,
appended, self-contained, never an edit of an earlier one.
"""

from __future__ import annotations

import json
from datetime import datetime

from tui.library.filing import RAW_PREFIX, dec
from tui.library.models import Message

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        layout TEXT NOT NULL,
        received_at TEXT NOT NULL,
        received_ts REAL NOT NULL,
        received_at_source TEXT,
        duration_s REAL,
        caller_number TEXT,
        caller_name TEXT,
        folder TEXT,
        heard_elsewhere INTEGER NOT NULL DEFAULT 0,
        urgent INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        missing INTEGER NOT NULL DEFAULT 0,
        sidecar_transcript TEXT,
        heard TEXT NOT NULL DEFAULT '[]',
        position_s REAL NOT NULL DEFAULT 0,
        listened_at TEXT,
        called_back_at TEXT,
        outcome TEXT,
        notes TEXT NOT NULL DEFAULT '',
        transcript_status TEXT,
        transcript_error TEXT,
        alt_numbers TEXT NOT NULL DEFAULT '[]',
        number_note TEXT,
        number_differs INTEGER
    );
    CREATE INDEX messages_received ON messages(received_ts DESC);
    CREATE TABLE files (
        path TEXT PRIMARY KEY,
        message_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        root TEXT NOT NULL,
        missing INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX files_message ON files(message_id);
    CREATE TABLE callback (
        message_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT,
        provenance TEXT NOT NULL,
        confidence TEXT,
        evidence_start REAL,
        evidence_end REAL,
        note TEXT,
        PRIMARY KEY (message_id, field)
    );
    CREATE TABLE transcripts (
        message_id TEXT NOT NULL,
        model TEXT NOT NULL,
        text TEXT NOT NULL,
        segments TEXT NOT NULL,
        words TEXT NOT NULL,
        language TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (message_id, model)
    );
    """,
    # 2: the list query reads messages in this order; without the index SQLite sorts 10k rows
    """
    DROP INDEX IF EXISTS messages_received;
    CREATE INDEX messages_order ON messages(received_ts DESC, id);
    """,
    # 3 (issue #16; self-contained): an error that is not the file's content (an I/O error, an
    # import race, ffprobe missing) is transient, and its file is read again by the next scan even
    # when its size and mtime are unchanged. Error rows stored before this by such failures heal.
    """
    ALTER TABLE messages ADD COLUMN error_transient INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE files ADD COLUMN retry INTEGER NOT NULL DEFAULT 0;
    UPDATE messages SET error_transient = 1 WHERE error IS NOT NULL AND (
        error LIKE '%deadlock detected%' OR error LIKE '%cannot import name%' OR error LIKE '%partially initialized%'
        OR error LIKE 'file not readable (%' OR error LIKE 'metadata unreadable (%'
        OR error LIKE '%without ffprobe%' OR error LIKE 'ffprobe timed out%');
    UPDATE files SET retry = 1 WHERE message_id IN (SELECT id FROM messages WHERE error_transient = 1);
    """,
    # 4 (issue #14, self-contained): archive. Set = out of every view but "archived"; the
    # source file is never touched. NULL = in the inbox.
    """
    ALTER TABLE messages ADD COLUMN archived_at TEXT;
    """,
    # 5 (issue #14, self-contained): "no call needed" as the extractor heard it, JSON
    # {"said", "confidence", "evidence": [start_s, end_s] | null}; NULL = not said.
    """
    ALTER TABLE messages ADD COLUMN no_call TEXT;
    """,
    # 6 (issue #19, self-contained): identity = audio hash + the source's own key (Asterisk msg_id, a
    # Takeout or phone file name's time and caller). Existing ids are content hashes without a
    # key: they stay as they are and are adopted, state and all, by the keyed file they were
    # shown from (filing.add). Every file is read once more (mtime_ns -1: about 6 s per 10k
    # files here) so that byte-identical recordings merged before come apart.
    """
    ALTER TABLE messages ADD COLUMN content_hash TEXT;
    ALTER TABLE messages ADD COLUMN source_key TEXT;
    ALTER TABLE messages ADD COLUMN caller_raw TEXT;
    ALTER TABLE messages ADD COLUMN source_note TEXT;
    UPDATE messages SET content_hash = id;
    CREATE INDEX messages_content ON messages(content_hash);
    UPDATE files SET mtime_ns = -1;
    """,
    # 7 (issue #18, self-contained): whether the voice-activity check found speech in the message
    # (0: a hang-up, line noise, silence: no transcript text, no extracted details)
    """
    ALTER TABLE transcripts ADD COLUMN speech INTEGER NOT NULL DEFAULT 1;
    """,
    # 8 (issue #13, self-contained): voicemail by mail, and [sources] timezone. `files.audio`: where a mail's attachment
    # was extracted (tui.library.mail.cache), NULL for audio files. `mail_seen`: mails (and whole
    # mboxes) read with nothing to import, by path and stat, so a rescan does not parse them again.
    # `library_meta`: "naive_zone", the zone naive source times were last read in (Store.note_zone).
    """
    ALTER TABLE files ADD COLUMN audio TEXT;
    CREATE TABLE mail_seen (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL
    );
    CREATE TABLE library_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# Where a message's time can be a wall-clock text without a zone (read in [sources] timezone).
NAIVE_TIME_SOURCES = ("file name", "json sidecar", "asterisk origdate", "mail Date: header")

MESSAGE_COLUMNS = (
    "id, path, layout, received_at, duration_s, caller_number, caller_name, folder, heard_elsewhere, "
    "error, missing, heard, position_s, listened_at, called_back_at, outcome, transcript_status, "
    "transcript_error, sidecar_transcript, error_transient, archived_at, caller_raw, source_note, "
    "(SELECT audio FROM files WHERE files.path = messages.path)"
)


def statements(script: str) -> list[str]:
    """A migration's statements, one by one (sqlite3 runs one per execute)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def message_from_row(row) -> Message:
    """A row of MESSAGE_COLUMNS as a Message. Hot path at start-up (10k rows): positional, no JSON for '[]'."""
    (id_, path, layout, received_at, duration_s, caller_number, caller_name, folder, heard_elsewhere, error,
     missing, heard, position_s, listened_at, called_back_at, outcome, transcript_status, transcript_error,
     sidecar_transcript, error_transient, archived_at, caller_raw, source_note, audio_path) = row
    return Message(
        id=id_,
        path=dec(path) if path.startswith(RAW_PREFIX) else path,
        layout=layout,
        received_at=datetime.fromisoformat(received_at),
        duration_s=duration_s,
        caller_number=caller_number,
        caller_name=caller_name,
        folder=folder,
        heard_elsewhere=bool(heard_elsewhere),
        error=error,
        missing=bool(missing),
        heard=() if heard == "[]" else tuple((s, e) for s, e in json.loads(heard)),
        position_s=position_s,
        listened_at=datetime.fromisoformat(listened_at) if listened_at else None,
        called_back_at=datetime.fromisoformat(called_back_at) if called_back_at else None,
        outcome=outcome,
        transcript_status=transcript_status,
        transcript_error=transcript_error,
        sidecar_transcript=sidecar_transcript,
        error_transient=bool(error_transient),
        archived_at=datetime.fromisoformat(archived_at) if archived_at else None,
        caller_raw=caller_raw,
        source_note=source_note,
        audio_path=audio_path,
    )
