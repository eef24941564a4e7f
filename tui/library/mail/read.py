"""A mail -> a `Found`: the voicemail it carries, its audio extracted to the library's cache.

Returns None for a mail without audio (ignored silently). Never raises for bad input: a mail
whose attachment cannot be decoded is a `Found` with an error and the caller ID it gave.
Identity (`tui.library.identity`): the attachment's audio hash with `mail:<Message-ID>` as the
source key, so a sync tool renaming the file (`:2,S` when it is read elsewhere) keeps its state.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone, tzinfo

from tui.library.identity import content_hash
from tui.library.importers.asterisk import parse_callerid
from tui.library.mail import cache
from tui.library.mail.parse import Mail, attachment_bytes, parse_bytes, parse_file
from tui.library.models import Found

MAX_MAIL_BYTES = 64 << 20  # a mail larger than this is not read (a voicemail is a few MB at most)


def read_file(path: str, st: os.stat_result, *, cache_dir, region: str, naive_zone: tzinfo | None = None,
              layout: str = "maildir") -> tuple[Found, str] | None:
    """A mail file in a Maildir (opened read-only, never renamed or flagged)."""
    if st.st_size > MAX_MAIL_BYTES:
        return Found(path=path, layout=layout, error="the mail is too large to be a voicemail"), content_hash(path, 0)
    try:
        with open(path, "rb") as handle:
            mail = parse_file(handle, naive_zone=naive_zone)
        return _found(mail, path, st, cache_dir=cache_dir, region=region, layout=layout)
    except RecursionError:  # MIME parts nested thousands deep: the content, not us
        return Found(path=path, layout=layout, error="the mail's parts are nested too deeply"), content_hash(path, 0)


def read_bytes(data: bytes | None, locator: str, st: os.stat_result, *, cache_dir, region: str,
               naive_zone: tzinfo | None = None) -> tuple[Found, str] | None:
    """A mail from an mbox (None: it was over MAX_MAIL_BYTES)."""
    if data is None:
        return Found(path=locator, layout="mbox", error="the mail is too large to be a voicemail"), content_hash(locator, 0)
    try:
        return _found(parse_bytes(data, naive_zone=naive_zone), locator, st, cache_dir=cache_dir, region=region,
                      layout="mbox")
    except RecursionError:  # MIME parts nested thousands deep: the content, not us
        return Found(path=locator, layout="mbox", error="the mail's parts are nested too deeply"), content_hash(locator, 0)


def _found(mail: Mail, path: str, st: os.stat_result, *, cache_dir, region: str, layout: str) -> tuple[Found, str] | None:
    if mail.audio is None:
        return None
    name, number = mail.caller_name, mail.caller_number
    text = f'"{name}" <{number}>' if name and number else (number or name or "")
    name, e164, raw = parse_callerid(text.replace("\n", " "), region)
    if mail.date is not None:
        received, source = mail.date, "mail Date: header"
    else:
        received, source = datetime.fromtimestamp(st.st_mtime, tz=timezone.utc), "mtime"
    found = Found(
        path=path, layout=layout, caller_number=e164, caller_name=name,
        caller_raw=raw[:40] if raw else None,
        received_at=received, received_at_source=source,
        source_key=f"mail:{mail.message_id}" if mail.message_id else None,
        source_note=mail.date_note if mail.date is None else None,
    )
    data, problem = attachment_bytes(mail.audio)
    if problem and not data:
        return _error(found, problem), content_hash(path, 0)
    try:
        audio, audio_hash = cache.put(cache_dir, data, mail.audio_ext)
    except OSError as exc:
        return _error(found, f"the audio could not be saved to the cache ({exc.strerror})", transient=True), content_hash(path, 0)
    found = Found(**{**_fields(found), "audio": str(audio)})
    if problem:
        found = _error(found, problem)
    return found, audio_hash


def _fields(found: Found) -> dict:
    return {name: getattr(found, name) for name in found.__slots__}


def _error(found: Found, reason: str, *, transient: bool = False) -> Found:
    return Found(**{**_fields(found), "error": reason, "error_transient": transient})
