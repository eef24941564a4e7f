"""The scanner's mail half (`tui.library.scan`): a Maildir's mails and an mbox's as scan entries,
and a mail's import (its attachment extracted, hashed and timed).

A Maildir's mails are entries like files (stat-only while unchanged; those found without audio
are remembered in `mail_seen` and not parsed again). An mbox is one stat while its size and mtime
are those remembered; when it changed it is read one mail at a time here, on the scanning
thread, and its entries carry their `Found` already. Entries are the scanner's own type
(`entry_type`), so this module does not import the scanner.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path

from tui.library.header import HeaderError, os_reason, probe_duration
from tui.library.identity import content_hash
from tui.library.mail import read, sources
from tui.library.models import Found


@dataclass(frozen=True, slots=True)
class Context:
    region: str
    zone: tzinfo | None  # the phone system's zone for naive times ([sources] timezone)
    cache: Path  # where mail attachments are extracted (tui.library.mail.cache)


def import_mail(entry, ctx: Context) -> tuple[object, Found | None, str]:
    """A mail: its attachment extracted to the cache, hashed and timed; None for a mail without audio."""
    if entry.found is not None:
        found, audio_hash = entry.found, entry.audio_hash
    else:
        try:
            result = read.read_file(entry.path, entry.stat, cache_dir=ctx.cache, region=ctx.region,
                                         naive_zone=ctx.zone)
        except Exception as exc:  # noqa: BLE001 - the mail parser never raises for bad input: ours or the machine's
            reason = os_reason(exc) if isinstance(exc, OSError) else f"mail unreadable ({type(exc).__name__}: {exc})"
            result = Found(path=entry.path, layout=entry.mail or "maildir", error=reason, error_transient=True), \
                content_hash(entry.path, 0)
        if result is None:
            return entry, None, ""
        found, audio_hash = result
    if found.error is None and found.audio:
        try:
            found = replace(found, duration_s=probe_duration(Path(found.audio), os.path.getsize(found.audio)))
        except HeaderError as exc:
            found = replace(found, error=str(exc), error_transient=exc.transient)
        except OSError as exc:
            found = replace(found, error=os_reason(exc), error_transient=True)
    return entry, found, audio_hash


def maildir_entries(root: Path, report, mail_seen: dict, present: set[str], entry_type) -> list:
    """The Maildir's mails as entries; those read before and found without audio are left out."""
    errors: list[tuple[str, str]] = []
    entries = []
    for path, st in sources.maildir_files(root, errors):
        present.add(path)
        if mail_seen.get(path) == (st.st_size, st.st_mtime_ns):
            continue
        entries.append(entry_type(path, str(root), st.st_size, st.st_mtime_ns, st, mail="maildir"))
    report.unreadable.extend(errors)
    return entries


def mbox_entries(root: Path, ctx: Context, known: dict, mail_seen: dict, seen_new: list, wanted, seen: set[str],
                 report, entry_type) -> list:
    """An mbox, read one mail at a time when it changed; nothing read when its size and mtime did not."""
    text = str(root)
    prefix = text + sources.MBOX_MARK
    rows = {path: row for path, row in known.items() if path.startswith(prefix)}
    try:
        st = os.stat(root)
    except OSError as exc:
        report.unreadable.append((text, f"mbox not readable ({exc.strerror})"))
        seen.update(rows)
        return []
    if wanted is not None and not wanted.covers(text) and not any(row.retry for row in rows.values()):
        seen.update(rows)
        return []
    forced = wanted is not None and wanted.forces(text)
    if (mail_seen.get(text) == (st.st_size, st.st_mtime_ns) and not forced
            and not any(row.retry for row in rows.values())):
        seen.update(rows)
        report.unchanged += sum(not row.missing for row in rows.values())
        return []
    entries = []
    try:
        for offset, data in sources.mbox_mails(text, max_mail_bytes=read.MAX_MAIL_BYTES):
            locator = sources.locator(text, offset)
            seen.add(locator)
            try:
                result = read.read_bytes(data, locator, st, cache_dir=ctx.cache, region=ctx.region,
                                              naive_zone=ctx.zone)
            except Exception as exc:  # noqa: BLE001 - ours or the machine's, not the mail's: retried
                reason = os_reason(exc) if isinstance(exc, OSError) else f"mail unreadable ({type(exc).__name__}: {exc})"
                result = Found(path=locator, layout="mbox", error=reason, error_transient=True), content_hash(locator, 0)
            if result is None:
                continue
            found, audio_hash = result
            entries.append(entry_type(locator, text, st.st_size, st.st_mtime_ns, st, mail="mbox", found=found,
                                      audio_hash=audio_hash))
    except OSError as exc:
        report.unreadable.append((text, f"mbox not readable ({exc.strerror})"))
        report.retrying.add(text)
        seen.update(rows)
        return entries
    seen_new.append((text, st.st_size, st.st_mtime_ns))
    return entries
