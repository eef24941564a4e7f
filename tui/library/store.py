"""The library: one SQLite file (WAL), the only writer of voicemail state.

Schema changes go through `MIGRATIONS` (PRAGMA user_version). Every public method is one
transaction, so a crash at any moment leaves either the old or the new state, never half.
Each thread gets its own connection; two processes on one library are safe (WAL, busy timeout)
and see each other's commits (`changed()` polls PRAGMA data_version).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from tui.errors import UserError
from tui.library import filing
from tui.library.filing import Added
from tui.library.filing import dec as _dec
from tui.library.filing import enc as _enc
from tui.library.models import (
    CALLBACK_FIELDS,
    CallbackField,
    Found,
    Message,
    Provenance,
    Segment,
    Transcript,
    Word,
)
from tui.library.schema import (
    MESSAGE_COLUMNS,
    MIGRATIONS,
    NAIVE_TIME_SOURCES,
    SCHEMA_VERSION,
    message_from_row,
    statements,
)

# The schema lives in tui/library/schema.py; these names stay importable from here.
_statements = statements
_message = message_from_row
_MESSAGE_COLUMNS = MESSAGE_COLUMNS


class LibraryError(UserError):
    pass


@dataclass(frozen=True, slots=True)
class FileRow:
    message_id: str
    size: int
    mtime_ns: int
    missing: bool
    retry: bool = False  # the last read failed for a reason other than the content: read it again


@dataclass(frozen=True, slots=True)
class ExtractionMeta:
    alt_numbers: tuple[str, ...]
    number_note: str | None
    number_differs: bool | None
    no_call: CallbackField | None = None  # "no need to call me back", as heard (never acted on by itself)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _iso(at: datetime | None) -> str:
    return at.astimezone(timezone.utc).isoformat(timespec="seconds") if at else _now()


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._data_version: int | None = None
        # Your contacts (tui.library.contacts.Contacts, or None): every Message handed out carries
        # the contact its caller ID number belongs to. Replaced whole (one reference), never mutated.
        self.contacts = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"Cannot create the library folder {self.path.parent}: {exc.strerror}.") from None
        self._migrate()

    # -- connections -------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
            except sqlite3.DatabaseError as exc:
                raise LibraryError(f"Cannot open the library {self.path}: {exc}.") from None
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LibraryError(f"The library {self.path} is not writable: {exc}.") from None
        try:
            yield conn
        except sqlite3.OperationalError as exc:  # disk full, read-only, I/O error: SQLite may have rolled back already
            _rollback(conn)
            raise LibraryError(f"Could not save to the library {self.path}: {exc}. Nothing was changed.") from None
        except BaseException:
            _rollback(conn)
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                _rollback(conn)
                raise LibraryError(f"Could not save to the library {self.path}: {exc}. Nothing was changed.") from None

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()

    def _migrate(self) -> None:
        conn = self._conn()
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"{self.path} is not a voicemail-tui library ({exc}).") from None
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"The library {self.path} was written by a newer voicemail-tui (schema {version}); upgrade the program."
            )
        for number in range(version, SCHEMA_VERSION):
            with self._tx() as tx:
                for statement in _statements(MIGRATIONS[number]):
                    tx.execute(statement)
                tx.execute(f"PRAGMA user_version = {number + 1}")

    def schema_version(self) -> int:
        return self._conn().execute("PRAGMA user_version").fetchone()[0]

    def changed(self) -> bool:
        """True when another connection (another process) committed since the last call."""
        version = self._conn().execute("PRAGMA data_version").fetchone()[0]
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        return changed

    # -- reading -------------------------------------------------------------------------------
    def messages(self) -> list[Message]:
        """Every message, newest first."""
        rows = self._conn().execute(f"SELECT {_MESSAGE_COLUMNS} FROM messages ORDER BY received_ts DESC, id").fetchall()
        return [self._message(row) for row in rows]

    def _message(self, row) -> Message:
        message = _message(row)
        contacts = self.contacts
        if contacts is not None and message.caller_number:
            contact = contacts.lookup(message.caller_number)
            if contact is not None:
                return replace(message, contact=contact)
        return message

    def get(self, message_id: str) -> Message | None:
        row = self._conn().execute(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)).fetchone()
        return self._message(row) if row else None

    def find(self, prefix: str) -> list[Message]:
        """Messages whose id starts with `prefix` (ids are shown shortened)."""
        rows = self._conn().execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id >= ? AND id < ? ORDER BY id", (prefix, prefix + "\uffff")
        ).fetchall()
        return [self._message(row) for row in rows]

    def count(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM messages").fetchone()[0]

    def shown_paths(self) -> set[str]:
        """The path each message is shown (and played) from."""
        return {_dec(row[0]) for row in self._conn().execute("SELECT path FROM messages")}

    def files(self) -> dict[str, FileRow]:
        rows = self._conn().execute("SELECT path, message_id, size, mtime_ns, missing, retry FROM files").fetchall()
        return {_dec(row[0]): FileRow(row[1], row[2], row[3], bool(row[4]), bool(row[5])) for row in rows}

    def mail_seen(self) -> dict[str, tuple[int, int]]:
        """Mails (and mboxes) read with nothing to import: path -> (size, mtime_ns)."""
        rows = self._conn().execute("SELECT path, size, mtime_ns FROM mail_seen").fetchall()
        return {_dec(row[0]): (row[1], row[2]) for row in rows}

    def set_mail_seen(self, items: Iterable[tuple[str, int, int]]) -> None:
        with self._tx() as tx:
            tx.executemany("INSERT OR REPLACE INTO mail_seen(path, size, mtime_ns) VALUES (?, ?, ?)",
                           [(_enc(path), size, mtime_ns) for path, size, mtime_ns in items])

    def forget_mail_seen(self, paths: Iterable[str]) -> None:
        with self._tx() as tx:
            tx.executemany("DELETE FROM mail_seen WHERE path = ?", [(_enc(path),) for path in paths])

    def note_zone(self, zone_key: str) -> bool:
        """Remember the zone naive source times are read in ("" = this machine's). When it changed,
        every file whose time came from such a text is read again by the scan (files.retry) and
        True is returned. Times stored before the key existed were read in this machine's zone."""
        with self._tx() as tx:
            row = tx.execute("SELECT value FROM library_meta WHERE key = 'naive_zone'").fetchone()
            previous = row[0] if row is not None else ""  # older versions read them in this machine's zone
            if row is None or previous != zone_key:
                tx.execute("INSERT OR REPLACE INTO library_meta(key, value) VALUES ('naive_zone', ?)", (zone_key,))
            if previous == zone_key:
                return False
            placeholders = ", ".join("?" * len(NAIVE_TIME_SOURCES))
            tx.execute(
                "UPDATE files SET retry = 1 WHERE missing = 0 AND message_id IN (SELECT id FROM messages "
                f"WHERE received_at_source IN ({placeholders}))", NAIVE_TIME_SOURCES)
            return True

    def mail_audio(self) -> set[str]:
        """Extracted mail audio that a present file refers to (what the cache keeps)."""
        rows = self._conn().execute("SELECT DISTINCT audio FROM files WHERE audio IS NOT NULL AND missing = 0")
        return {_dec(row[0]) for row in rows}

    def error_counts(self) -> tuple[int, int]:
        """(unreadable for their content, failed for another reason and to be retried), present files only."""
        rows = self._conn().execute(
            "SELECT error_transient, COUNT(*) FROM messages WHERE error IS NOT NULL AND missing = 0 GROUP BY 1"
        ).fetchall()
        counts = {bool(kind): count for kind, count in rows}
        return counts.get(False, 0), counts.get(True, 0)

    def notes(self, message_id: str) -> str:
        row = self._conn().execute("SELECT notes FROM messages WHERE id = ?", (message_id,)).fetchone()
        return row[0] if row else ""

    def callback(self, message_id: str) -> dict[str, CallbackField]:
        rows = self._conn().execute(
            "SELECT field, value, provenance, confidence, evidence_start, evidence_end, note FROM callback WHERE message_id = ?",
            (message_id,),
        ).fetchall()
        fields: dict[str, CallbackField] = {}
        for row in rows:
            evidence = (row[4], row[5]) if row[4] is not None and row[5] is not None else None
            fields[row[0]] = CallbackField(row[1], Provenance(row[2]), row[3], evidence, row[6])
        return fields

    def listened_values(self, field: str) -> dict[str, str]:
        """message id -> the value of one callback field, for listened messages only (one query)."""
        rows = self._conn().execute(
            "SELECT c.message_id, c.value FROM callback c JOIN messages m ON m.id = c.message_id "
            "WHERE c.field = ? AND c.value IS NOT NULL AND m.listened_at IS NOT NULL",
            (field,),
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def extraction_meta(self, message_id: str) -> ExtractionMeta:
        row = self._conn().execute(
            "SELECT alt_numbers, number_note, number_differs, no_call FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if not row:
            return ExtractionMeta((), None, None)
        differs = None if row[2] is None else bool(row[2])
        return ExtractionMeta(tuple(json.loads(row[0] or "[]")), row[1], differs, _no_call(row[3]))

    def transcript(self, message_id: str, model: str | None = None) -> Transcript | None:
        sql = "SELECT model, text, segments, words, language, speech FROM transcripts WHERE message_id = ?"
        args: tuple = (message_id,)
        if model is not None:
            sql += " AND model = ?"
            args += (model,)
        row = self._conn().execute(sql + " ORDER BY created_at DESC LIMIT 1", args).fetchone()
        if not row:
            return None
        segments = tuple(Segment(*item) for item in json.loads(row[2]))
        words = tuple(Word(*item) for item in json.loads(row[3]))
        return Transcript(text=row[1], segments=segments, words=words, model=row[0], language=row[4],
                          speech=bool(row[5]))

    def transcript_count(self) -> int:
        return self._conn().execute("SELECT count(*) FROM transcripts").fetchone()[0]

    def transcript_openings(self, chars: int = 160) -> list[str]:
        """The first `chars` characters of every message's newest transcript (whom they greet)."""
        # with max(), SQLite takes the bare column from the row holding the maximum: the newest
        rows = self._conn().execute("SELECT substr(text, 1, ?), max(created_at) FROM transcripts "
                                    "GROUP BY message_id", (chars,)).fetchall()
        return [row[0] for row in rows]

    def transcript_texts(self) -> dict[str, str]:
        """message id -> newest transcript text (for search)."""
        rows = self._conn().execute("SELECT message_id, text FROM transcripts ORDER BY created_at").fetchall()
        return {row[0]: row[1] for row in rows}

    def needing_transcript(self, model: str) -> list[str]:
        """Ids of usable messages without a transcript from `model`, newest first (failed ones excluded)."""
        rows = self._conn().execute(
            """SELECT id FROM messages m
               WHERE m.error IS NULL AND m.missing = 0 AND COALESCE(m.transcript_status, '') != 'failed'
                 AND NOT EXISTS (SELECT 1 FROM transcripts t WHERE t.message_id = m.id AND t.model = ?)
               ORDER BY received_ts DESC""",
            (model,),
        ).fetchall()
        return [row[0] for row in rows]

    # -- writing: scan -------------------------------------------------------------------------
    def add_file(self, found: Found, content_hash: str, *, size: int, mtime_ns: int, root: str, duration_s: float | None) -> bool:
        """Record that `found.path` holds audio `content_hash`. Returns True when the message is new."""
        return self.add_files([(found, content_hash, size, mtime_ns, root, duration_s)])[0].created

    def add_files(self, items: Iterable[tuple[Found, str, int, int, str, float | None]]) -> list[Added]:
        """Batch form of `add_file` (one transaction): the scanner's hot path.

        Identity (`tui.library.identity`): a file with a source key belongs to the message of
        (audio, key); a keyless file to the keyless message of its audio, or else to the one
        keyed message of that audio when there is exactly one.
        """
        results: list[Added] = []
        with self._tx() as tx:
            for found, content_hash, size, mtime_ns, root, duration_s in items:
                results.append(filing.add(tx, found, content_hash, size, mtime_ns, root, duration_s))
        return results

    def mark_missing(self, paths: Iterable[str]) -> int:
        """Files that vanished: the entries stay (state, notes) and are marked missing."""
        count = 0
        with self._tx() as tx:
            for path in map(_enc, paths):
                row = tx.execute("SELECT message_id FROM files WHERE path = ? AND missing = 0", (path,)).fetchone()
                if not row:
                    continue
                count += 1
                tx.execute("UPDATE files SET missing = 1 WHERE path = ?", (path,))
                other = tx.execute(
                    "SELECT path FROM files WHERE message_id = ? AND missing = 0 LIMIT 1", (row[0],)
                ).fetchone()
                if other:
                    tx.execute("UPDATE messages SET path = ? WHERE id = ?", (other[0], row[0]))
                else:
                    tx.execute("UPDATE messages SET missing = 1 WHERE id = ?", (row[0],))
        return count

    def drop_files(self, paths: Iterable[str]) -> int:
        """Files that are no message after all (`filing.drop`). Returns the number of messages removed."""
        with self._tx() as tx:
            return sum(filing.drop(tx, path) for path in paths)

    def forget_file(self, path: str) -> None:
        """A path whose content changed to another message: drop the old mapping."""
        with self._tx() as tx:
            tx.execute("DELETE FROM files WHERE path = ?", (_enc(path),))

    # -- writing: listening --------------------------------------------------------------------
    def record_progress(
        self,
        message_id: str,
        *,
        heard: Iterable[tuple[float, float]],
        position_s: float,
        reached_end: bool,
        threshold: float,
        duration_s: float | None = None,
        at_end: bool = False,
    ) -> Message | None:
        """Store what has been heard; the message becomes listened when the coverage rule says so.

        Heard intervals only grow (they are merged with what was stored). `listened_at`, once set,
        stays set. `reached_end` says the last frame was played out at some point (it stays true
        after seeking back); `at_end` says playback stopped at the end of the audio *now*, at
        `position_s`: only then is that position the real length and the resume point the start.
        """
        from tui.audio.coverage import is_listened, merge

        with self._tx() as tx:
            row = tx.execute(
                "SELECT heard, duration_s, listened_at FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if not row:
                return None
            duration = duration_s if duration_s else row[1]
            if at_end and reached_end and position_s > 0 and (not duration or position_s < duration):
                # The decoder ran out of audio here: that is the real length (MP3 headers count
                # encoder padding, sidecars round to whole seconds).
                duration = position_s
            merged = merge([*map(tuple, json.loads(row[0])), *heard])
            if duration:
                merged = [(max(0.0, s), min(duration, e)) for s, e in merged if s < duration]
            listened_at = row[2]
            if listened_at is None and duration and is_listened(merged, duration, threshold, reached_end):
                listened_at = _now()
            position = 0.0 if at_end else max(0.0, position_s)
            tx.execute(
                "UPDATE messages SET heard = ?, position_s = ?, listened_at = ?, duration_s = ? WHERE id = ?",
                (json.dumps([[round(s, 3), round(e, 3)] for s, e in merged]), position, listened_at, duration, message_id),
            )
        return self.get(message_id)

    def mark_called_back(self, message_id: str, outcome: str | None = None, *, at: datetime | None = None) -> None:
        with self._tx() as tx:
            tx.execute(
                "UPDATE messages SET called_back_at = ?, outcome = ? WHERE id = ?",
                (_iso(at), outcome or None, message_id),
            )

    # -- writing: archive (the library only: the source file is never touched) -----------------
    def set_archived(self, message_id: str, archived: bool, *, at: datetime | None = None) -> None:
        with self._tx() as tx:
            tx.execute("UPDATE messages SET archived_at = ? WHERE id = ?", (_iso(at) if archived else None, message_id))

    def archive_called_back_before(self, cutoff: datetime, *, at: datetime | None = None) -> list[str]:
        """Archive every message called back before `cutoff` (aware) that is not archived yet.
        Returns their ids. Compared as instants (stored times may carry any offset)."""
        archived: list[str] = []
        with self._tx() as tx:
            rows = tx.execute(
                "SELECT id, called_back_at FROM messages WHERE called_back_at IS NOT NULL AND archived_at IS NULL"
            ).fetchall()
            for message_id, called_back_at in rows:
                if datetime.fromisoformat(called_back_at) < cutoff:
                    archived.append(message_id)
            stamp = _iso(at)
            tx.executemany("UPDATE messages SET archived_at = ? WHERE id = ?", [(stamp, i) for i in archived])
        return archived

    def unmark_called_back(self, message_id: str) -> None:
        with self._tx() as tx:
            tx.execute("UPDATE messages SET called_back_at = NULL, outcome = NULL WHERE id = ?", (message_id,))

    # -- writing: callback details ------------------------------------------------------------
    def edit_field(self, message_id: str, field: str, value: str | None) -> None:
        """Your edit: saved at once, provenance `edited`, never overwritten by anything automatic."""
        if field not in CALLBACK_FIELDS:
            raise ValueError(f"unknown callback field {field!r}")
        value = (value or "").strip() or None
        with self._tx() as tx:
            tx.execute(
                "INSERT INTO callback(message_id, field, value, provenance, confidence) VALUES (?, ?, ?, 'edited', 'high') "
                "ON CONFLICT(message_id, field) DO UPDATE SET value=excluded.value, provenance='edited', "
                "confidence='high', evidence_start=NULL, evidence_end=NULL, note=NULL",
                (message_id, field, value),
            )

    def set_notes(self, message_id: str, notes: str) -> None:
        with self._tx() as tx:
            tx.execute("UPDATE messages SET notes = ? WHERE id = ?", (notes, message_id))

    def apply_extraction(
        self,
        message_id: str,
        fields: dict[str, CallbackField],
        *,
        alt_numbers: Iterable[str] = (),
        number_note: str | None = None,
        number_differs: bool | None = None,
        no_call: CallbackField | None = None,
    ) -> None:
        """Fill fields from extraction. Fields you edited are left exactly as they are."""
        with self._tx() as tx:
            for name, field in fields.items():
                if name not in CALLBACK_FIELDS:
                    continue
                evidence = field.evidence or (None, None)
                tx.execute(
                    "INSERT INTO callback(message_id, field, value, provenance, confidence, evidence_start, evidence_end, note) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(message_id, field) DO UPDATE SET "
                    "value=excluded.value, provenance=excluded.provenance, confidence=excluded.confidence, "
                    "evidence_start=excluded.evidence_start, evidence_end=excluded.evidence_end, note=excluded.note "
                    "WHERE callback.provenance != 'edited'",
                    (message_id, name, field.value, field.provenance.value, field.confidence, *evidence, field.note),
                )
            tx.execute(
                "UPDATE messages SET alt_numbers = ?, number_note = ?, number_differs = ?, no_call = ? WHERE id = ?",
                (json.dumps(list(alt_numbers)), number_note, None if number_differs is None else int(number_differs),
                 _no_call_json(no_call), message_id),
            )

    # -- writing: transcripts ------------------------------------------------------------------
    def save_transcript(self, message_id: str, transcript: Transcript) -> None:
        with self._tx() as tx:
            tx.execute(
                "INSERT OR REPLACE INTO transcripts(message_id, model, text, segments, words, language, created_at, speech) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message_id,
                    transcript.model,
                    transcript.text,
                    json.dumps([[s.start, s.end, s.text] for s in transcript.segments]),
                    json.dumps([[w.start, w.end, w.text, w.p] for w in transcript.words]),
                    transcript.language,
                    datetime.now(timezone.utc).isoformat(),
                    int(transcript.speech),
                ),
            )
            tx.execute(
                "UPDATE messages SET transcript_status = ?, transcript_error = NULL WHERE id = ?",
                ("done" if transcript.speech else "no_speech", message_id),
            )

    def clear_extracted(self, message_id: str) -> None:
        """Forget automatically extracted details (a message found to hold no speech). The caller ID
        (provenance metadata) and your edits stay."""
        with self._tx() as tx:
            tx.execute("DELETE FROM callback WHERE message_id = ? AND provenance = 'extracted'", (message_id,))
            tx.execute(
                "UPDATE messages SET alt_numbers = '[]', number_note = NULL, number_differs = NULL WHERE id = ?",
                (message_id,),
            )

    def set_transcript_status(self, message_id: str, status: str | None, error: str | None = None) -> None:
        with self._tx() as tx:
            tx.execute(
                "UPDATE messages SET transcript_status = ?, transcript_error = ? WHERE id = ?", (status, error, message_id)
            )


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is still open (after SQLITE_FULL/IOERR SQLite has already done it)."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _no_call_json(field: CallbackField | None) -> str | None:
    if field is None or not field.value:
        return None
    return json.dumps({"said": field.value, "confidence": field.confidence,
                       "evidence": list(field.evidence) if field.evidence else None, "note": field.note})


def _no_call(text: str | None) -> CallbackField | None:
    if not text:
        return None
    data = json.loads(text)
    evidence = tuple(data["evidence"]) if data.get("evidence") else None
    return CallbackField(data["said"], Provenance.EXTRACTED, data.get("confidence"), evidence, data.get("note"))
