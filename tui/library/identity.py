"""Message identity: the audio's content hash together with the source's own key for the message.

* The same recording at two paths with the same key, or without one, is one message: a file
  renamed, moved or backed up keeps its state.
* Byte-identical recordings with different keys (two Asterisk messages with different
  `msg_id`, two Takeout pages with different times, two mails with different Message-IDs; in
  the wild: abandoned calls recorded as the same digital silence) are different messages.
* A copy without a key joins the keyless message of its audio, or else the one keyed message
  of that audio when there is exactly one; when several calls share the audio it stays apart.

Keys come from the importers (`Found.source_key`); the store applies the rule (`Store.add_files`).
"""

from __future__ import annotations

import hashlib


def content_hash(path: str, size: int) -> str:
    """A hash of the file's bytes (16 hex digits). Empty files get a path-based id."""
    if size == 0:
        return "e" + hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:15]
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def message_id(audio_hash: str, source_key: str | None) -> str:
    """The message id: the audio hash alone without a key (ids of older libraries), else both hashed."""
    if not source_key:
        return audio_hash
    text = f"{audio_hash}\x00{source_key}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(text).hexdigest()[:16]


__all__ = ["content_hash", "message_id"]
