"""How files become messages: the store's scan writes, one transaction's worth at a time.

Identity (`tui.library.identity`): a file with a source key belongs to the message of
(audio, key); a keyless file to the keyless message of its audio, or else to the one keyed
message of that audio when there is exactly one. A keyed file whose message does not exist
yet takes over the keyless message of the same audio (an older library's id), state and all,
unless that message was shown from another file still waiting to be read again after the
upgrade: that one decides (the scanner reads shown files first, `Store.shown_paths`).

Everything here runs inside the caller's transaction (`tx`); `Store` is the only caller.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from tui.library import identity
from tui.library.models import Found

RAW_PREFIX = "\x00raw:"


def enc(path: str) -> str:
    """A path as SQLite text. Names that are not UTF-8 (surrogate-escaped) are kept byte-exact in hex."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return RAW_PREFIX + os.fsencode(path).hex()


def _text(value: str | None) -> str | None:
    """Text SQLite can store: names from file names that are not UTF-8 get U+FFFD (paths use `enc`)."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def dec(text: str) -> str:
    if text.startswith(RAW_PREFIX):
        return os.fsdecode(bytes.fromhex(text[len(RAW_PREFIX):]))
    return text


@dataclass(frozen=True, slots=True)
class Added:
    """What `add_files` did with one file."""

    message_id: str
    created: bool  # a new message row
    adopted_from: str | None = None  # a keyless message (an old library's id) this file's key took over
    others: tuple[str, ...] = ()  # other paths (not known missing) that hold the same message
    elsewhere: bool = False  # any other path ever held it (a move when none of them is still there)


def add(tx: sqlite3.Connection, found: Found, content_hash: str, size: int, mtime_ns: int, root: str,
        duration_s: float | None) -> Added:
    """Record that `found.path` holds audio `content_hash`, resolving its message (module docstring)."""
    path = enc(found.path)
    key = enc(found.source_key) if found.source_key else None
    adopted = None
    joined_keyed = False
    if key is None:
        message_id = content_hash
        if not tx.execute("SELECT 1 FROM messages WHERE id = ?", (content_hash,)).fetchone():
            keyed = tx.execute(
                "SELECT id FROM messages WHERE content_hash = ? AND source_key IS NOT NULL LIMIT 2", (content_hash,)
            ).fetchall()
            if len(keyed) == 1:  # a copy without metadata of the one message with this audio
                message_id, joined_keyed = keyed[0][0], True
    else:
        message_id = identity.message_id(content_hash, key)
        if not tx.execute("SELECT 1 FROM messages WHERE id = ?", (message_id,)).fetchone() and adoptable(
            tx, content_hash, path
        ):
            rename(tx, content_hash, message_id, key)
            adopted = content_hash
    previous = tx.execute("SELECT message_id FROM files WHERE path = ?", (path,)).fetchone()
    retry = int(bool(found.error and found.error_transient))  # not the content's fault: read it again
    reread = int(bool(retry or found.extra.get("sidecar_retry")))
    tx.execute(
        "INSERT INTO files(path, message_id, size, mtime_ns, root, missing, retry, audio) VALUES (?, ?, ?, ?, ?, 0, ?, ?) "
        "ON CONFLICT(path) DO UPDATE SET message_id=excluded.message_id, size=excluded.size, "
        "mtime_ns=excluded.mtime_ns, root=excluded.root, missing=0, retry=excluded.retry, audio=excluded.audio",
        (path, message_id, size, mtime_ns, enc(root), reread, enc(found.audio) if found.audio else None),
    )
    received = found.received_at or datetime.now(timezone.utc)
    exists = tx.execute("SELECT error FROM messages WHERE id = ?", (message_id,)).fetchone()
    values = (
        path, found.layout, received.isoformat(), received.timestamp(), found.received_at_source, duration_s,
        *map(_text, (found.caller_number, found.caller_name, found.folder)), int(found.heard_elsewhere),
        int(found.urgent), *map(_text, (found.error, found.sidecar_transcript, found.caller_raw, found.source_note)),
        retry,
    )
    if exists and joined_keyed:
        # The keyed message's source says more than this bare copy: only bring it back if it was missing.
        tx.execute("UPDATE messages SET path = CASE WHEN missing = 1 THEN ? ELSE path END, missing = 0 WHERE id = ?",
                   (path, message_id))
    elif exists and found.error and exists[0] is None and (retry or tx.execute(
        "SELECT 1 FROM files WHERE message_id = ? AND path != ? AND missing = 0", (message_id, path)
    ).fetchone()):
        # A usable file holds the same audio: an unusable copy (wrong extension) does not spoil it;
        # nor does a failure that was not the content's (the file is read again).
        pass
    elif exists:
        # A bare copy (no sidecar) of a message another file describes does not erase what that
        # file's source said (caller, transcript). Otherwise the source is read afresh: a caller ID
        # an older version made up ("+15555555") is corrected, not kept.
        keep = "COALESCE(?, {0})" if found.sidecar is None and tx.execute(
            "SELECT 1 FROM files WHERE message_id = ? AND path != ? AND missing = 0", (message_id, path)
        ).fetchone() else "?"
        tx.execute(
            "UPDATE messages SET path=?, layout=?, received_at=?, received_ts=?, received_at_source=?, "
            f"duration_s=COALESCE(?, duration_s), caller_number={keep.format('caller_number')}, "
            f"caller_name={keep.format('caller_name')}, folder=?, heard_elsewhere=?, urgent=?, error=?, "
            f"sidecar_transcript={keep.format('sidecar_transcript')}, caller_raw={keep.format('caller_raw')}, "
            "source_note=?, error_transient=?, missing=0, content_hash=?, source_key=? WHERE id=?",
            (*values, content_hash, key, message_id),
        )
        if keep == "?":  # the caller-ID copy of the number follows the caller ID; extracted and edited ones stay
            if found.caller_number and not found.error:
                tx.execute("INSERT INTO callback(message_id, field, value, provenance, confidence) "
                           "VALUES (?, 'number', ?, 'metadata', 'low') ON CONFLICT(message_id, field) DO UPDATE "
                           "SET value = excluded.value WHERE callback.provenance = 'metadata'",
                           (message_id, found.caller_number))
            else:
                tx.execute("DELETE FROM callback WHERE message_id = ? AND field = 'number' AND provenance = 'metadata'",
                           (message_id,))
    else:
        tx.execute(
            "INSERT INTO messages(path, layout, received_at, received_ts, received_at_source, duration_s, "
            "caller_number, caller_name, folder, heard_elsewhere, urgent, error, sidecar_transcript, caller_raw, "
            "source_note, error_transient, content_hash, source_key, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (*values, content_hash, key, message_id),
        )
        if found.caller_number and not found.error:
            tx.execute(
                "INSERT OR IGNORE INTO callback(message_id, field, value, provenance, confidence) "
                "VALUES (?, 'number', ?, 'metadata', 'low')",
                (message_id, found.caller_number),
            )
    if previous and previous[0] not in (message_id, adopted):
        orphan(tx, previous[0])
    others = tuple(
        dec(row[0]) for row in tx.execute(
            "SELECT path FROM files WHERE message_id = ? AND path != ? AND missing = 0 ORDER BY path",
            (message_id, path),
        )
    )
    elsewhere = bool(others) or bool(tx.execute(
        "SELECT 1 FROM files WHERE message_id = ? AND path != ? LIMIT 1", (message_id, path)
    ).fetchone())
    return Added(message_id, not exists, adopted, others, elsewhere)


def orphan(tx: sqlite3.Connection, message_id: str) -> None:
    """A message that lost its last file to other content: error rows go, real ones are kept as missing."""
    if tx.execute("SELECT 1 FROM files WHERE message_id = ? AND missing = 0", (message_id,)).fetchone():
        return
    row = tx.execute("SELECT error FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row and row[0]:
        tx.execute("DELETE FROM messages WHERE id = ?", (message_id,))
        tx.execute("DELETE FROM callback WHERE message_id = ?", (message_id,))
    else:
        tx.execute("UPDATE messages SET missing = 1 WHERE id = ?", (message_id,))


def adoptable(tx: sqlite3.Connection, content_hash: str, path: str) -> bool:
    """May a keyed file at `path` take over the keyless message `content_hash` (its state and all)?

    Yes when the message was shown from this file, or from a file that no longer holds it, or
    from a file already read under the identity rule (then that file is keyless: the same
    recording without metadata). No while the file it was shown from waits to be read again
    after the upgrade (mtime_ns -1, migration 6): that file takes it over, the others are new.
    """
    row = tx.execute("SELECT path FROM messages WHERE id = ? AND source_key IS NULL", (content_hash,)).fetchone()
    if not row:
        return False
    shown = row[0]
    if shown == path:
        return True
    holder = tx.execute("SELECT message_id, missing, mtime_ns FROM files WHERE path = ?", (shown,)).fetchone()
    return holder is None or holder[0] != content_hash or bool(holder[1]) or holder[2] != -1


def rename(tx: sqlite3.Connection, old: str, new: str, key: str) -> None:
    """Give message `old` the id `new` everywhere it is referenced."""
    tx.execute("UPDATE messages SET id = ?, source_key = ? WHERE id = ?", (new, key, old))
    for table in ("files", "callback", "transcripts"):
        tx.execute(f"UPDATE {table} SET message_id = ? WHERE message_id = ?", (new, old))


def drop(tx: sqlite3.Connection, path: str) -> bool:
    """A file that is no message after all (a Takeout recorded call): its row goes. A message left
    without files goes too, unless you did something with it (heard, notes, edits, called back):
    then it stays, marked missing. True when a message was removed."""
    path = enc(path)
    row = tx.execute("SELECT message_id FROM files WHERE path = ?", (path,)).fetchone()
    if not row:
        return False
    tx.execute("DELETE FROM files WHERE path = ?", (path,))
    message_id = row[0]
    if tx.execute("SELECT 1 FROM files WHERE message_id = ? LIMIT 1", (message_id,)).fetchone():
        other = tx.execute("SELECT path FROM files WHERE message_id = ? AND missing = 0 LIMIT 1", (message_id,)).fetchone()
        if other:
            tx.execute("UPDATE messages SET path = ? WHERE id = ? AND path = ?", (other[0], message_id, path))
        return False
    used = tx.execute(
        "SELECT 1 FROM messages WHERE id = ? AND (heard != '[]' OR notes != '' OR called_back_at IS NOT NULL "
        "OR EXISTS (SELECT 1 FROM callback WHERE message_id = ? AND provenance = 'edited'))",
        (message_id, message_id),
    ).fetchone()
    if used:
        tx.execute("UPDATE messages SET missing = 1 WHERE id = ?", (message_id,))
        return False
    for table, column in (("messages", "id"), ("callback", "message_id"), ("transcripts", "message_id")):
        tx.execute(f"DELETE FROM {table} WHERE {column} = ?", (message_id,))
    return True
