"""Incremental scan of the source folders into the library.

An unchanged file (same size and mtime) costs one stat: its audio is never read again. New or
changed files are hashed (the content hash is the message's identity, so a renamed or moved
file keeps its state), their metadata read by the importer that claims them, and their
duration taken from the header. Unusable files become error rows with a reason; nothing a
user put in a folder stops a scan. Source folders are only ever read.

Only the file's content makes a lasting error row. When reading failed for another reason (an
I/O error, too many open files, ffprobe missing, an exception of ours), the row says so and the
next scan (the watcher's too) reads the file again even though its stat is unchanged.
"""

from __future__ import annotations

import os
import stat as stat_module
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path

from tui.library import identity, importers, syncnames
from tui.library.header import HeaderError, os_reason, probe_duration
from tui.library.mail import cache as mail_cache
from tui.library.mail import scanning as mail_scanning
from tui.library.mail import sources as mail_sources
from tui.library.mail.scanning import Context as _Context
from tui.library.models import Found
from tui.library.store import Store
from tui.library.zone import key as zone_key
from tui.text import clean, display_path

BATCH = 400
MAX_HASH_BYTES = 1 << 40  # no practical limit; the hash streams


@dataclass
class ScanReport:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    same_as: list[tuple[str, str]] = field(default_factory=list)  # (path, other path): one message in two files
    missing: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): errors rows + unreadable folders
    retrying: set[str] = field(default_factory=set)  # paths in `unreadable` that failed for a reason not their content
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): never opened (FIFOs, devices)
    unchanged: int = 0
    seconds: float = 0.0

    @property
    def total_seen(self) -> int:
        return self.unchanged + len(self.new) + len(self.changed) + len(self.moved) + len(self.same_as)

    def as_json(self) -> dict:
        """The report with every path as valid text (`display_path`: names that are not UTF-8 get U+FFFD)."""
        return {
            "new": [display_path(p) for p in self.new],
            "changed": [display_path(p) for p in self.changed],
            "moved": [display_path(p) for p in self.moved],
            "same_message": [{"path": display_path(path), "same_as": display_path(other)} for path, other in self.same_as],
            "missing": [display_path(p) for p in self.missing],
            "unreadable": [{"path": display_path(path), "reason": clean(reason, single_line=True),
                            "kind": self.kind(path, reason), "will_retry": self.kind(path, reason) != "content"}
                           for path, reason in self.unreadable],
            "skipped": [{"path": display_path(path), "reason": reason} for path, reason in self.skipped],
            "unchanged": self.unchanged,
            "seconds": round(self.seconds, 3),
        }

    def kind(self, path: str, reason: str) -> str:
        """"content" (the bytes are not usable audio: final), "transient" (read again by the next
        scan) or "folder" (a folder could not be read; every scan tries again)."""
        if path in self.retrying:
            return "transient"
        return "folder" if reason.startswith("folder") else "content"

    def summary(self) -> str:
        retrying = f" ({len(self.retrying)} will retry)" if self.retrying else ""
        parts = [
            f"{len(self.new)} new",
            f"{len(self.changed)} changed",
            f"{len(self.moved)} moved",
            *([f"{len(self.same_as)} same message as another file"] if self.same_as else []),
            f"{len(self.missing)} missing",
            f"{len(self.unreadable)} unreadable{retrying}",
            f"{self.unchanged} unchanged",
        ]
        return ", ".join(parts) + f" ({self.seconds:.2f} s)"


@dataclass(frozen=True, slots=True)
class _Entry:
    path: str
    root: str
    size: int
    mtime_ns: int
    stat: os.stat_result
    alternatives: tuple[str, ...] = ()  # other copies of the same message, best first (Asterisk formats)
    mail: str | None = None  # "maildir" (a mail file) or "mbox" (a mail in an mbox, already read: `found`)
    found: Found | None = None
    audio_hash: str = ""


def walk(root: Path, report: ScanReport) -> Iterator[_Entry]:
    """Audio files below `root` (following links to folders, never looping), sync temp names skipped."""
    seen_dirs: set[tuple[int, int]] = set()
    stack = [root]
    root_text = str(root)
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
        except OSError as exc:
            report.unreadable.append((str(folder), f"folder not readable ({exc.strerror})"))
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            continue  # a symlink loop or a second link to a folder already scanned
        seen_dirs.add(key)
        try:
            with os.scandir(folder) as entries:
                items = list(entries)
        except OSError as exc:
            report.unreadable.append((str(folder), f"folder not readable ({exc.strerror})"))
            continue
        for entry in items:
            # Hot path (a rescan of 10k messages is mostly this loop): plain string tests first,
            # Path objects only for folders and the rare sidecar that stands alone.
            name = entry.name
            try:
                if entry.is_dir():
                    if not syncnames.is_hidden_dir(name):
                        stack.append(Path(entry.path))
                    continue
            except OSError:
                pass  # a symlink loop or a vanished entry: reported below if it looks like audio
            if name.startswith("."):
                continue
            dot = name.rfind(".")
            suffix = name[dot:].lower() if dot > 0 else ""
            if not importers.is_audio_name(name, suffix):
                if suffix != ".txt" or not _is_sidecar_only(Path(entry.path)):
                    continue
            if syncnames.is_partial(name):
                continue
            if suffix != ".txt":
                reason = importers.not_a_message(entry.path)  # e.g. a Takeout recorded call
                if reason:
                    report.skipped.append((entry.path, reason))
                    continue
            try:
                st = entry.stat()
            except OSError as exc:  # not stored: the next scan looks again
                report.unreadable.append((entry.path, f"cannot read file information ({exc.strerror})"))
                report.retrying.add(entry.path)
                continue
            if not stat_module.S_ISREG(st.st_mode):  # FIFOs, sockets, devices: never opened
                report.skipped.append((entry.path, "not a regular file (a FIFO, socket or device)"))
                continue
            yield _Entry(entry.path, root_text, st.st_size, st.st_mtime_ns, st)


def _is_sidecar_only(path: Path) -> bool:
    """Sidecars that stand for a message on their own (an Asterisk .txt without audio)."""
    claims = getattr(importers, "sidecar_claims", None)
    return bool(claims and claims(path))


def content_id(path: str, size: int) -> str:
    """A hash of the file's bytes: half of a message's identity (`tui.library.identity`)."""
    return identity.content_hash(path, size)


def _import(entry: _Entry, ctx: _Context) -> tuple[_Entry, Found | None, str]:
    if entry.mail:
        return mail_scanning.import_mail(entry, ctx)
    region = ctx.region
    path = Path(entry.path)
    importer = importers.importer_for(path)
    try:
        found = importer.read(path, entry.stat, region=region, zone=ctx.zone)
    except Exception as exc:  # noqa: BLE001 - importers return bad input as Found(error=...): this is
        # our bug or the machine's (an OSError, MemoryError), not the file's: an error row, retried
        reason = os_reason(exc) if isinstance(exc, OSError) else f"metadata unreadable ({type(exc).__name__}: {exc})"
        found = Found(path=entry.path, layout=getattr(importer, "LAYOUT", "plain"), error=reason, error_transient=True)
    if found.error is None and importers.is_audio(path):
        try:
            duration = probe_duration(path, entry.size)  # the header beats a sidecar's rounded seconds
            found = replace(found, duration_s=duration)
        except HeaderError as exc:
            found = replace(found, error=str(exc), error_transient=exc.transient)
        except OSError as exc:
            found = replace(found, error=os_reason(exc), error_transient=True)
        if found.error is not None and entry.alternatives:
            entry, found = _first_readable_copy(entry, found)
    try:
        audio_hash = content_id(entry.path, entry.size if found.error is None or entry.size else 0)
    except OSError as exc:
        if found.error is None or found.error_transient:
            found = replace(found, error=found.error or os_reason(exc), error_transient=True)
        audio_hash = content_id(entry.path, 0)
    return entry, found, audio_hash


def _first_readable_copy(entry: _Entry, found: Found) -> tuple[_Entry, Found]:
    """The message's next copy (another format of an Asterisk message) whose header reads, else as given."""
    for other in entry.alternatives:
        try:
            st = os.stat(other)
            duration = probe_duration(Path(other), st.st_size)
        except (HeaderError, OSError):
            continue
        copy = _Entry(other, entry.root, st.st_size, st.st_mtime_ns, st)
        note = f"{os.path.basename(entry.path)} cannot be read ({found.error}); playing {os.path.basename(other)}."
        return copy, replace(found, path=other, error=None, error_transient=False, duration_s=duration,
                             source_note=found.source_note or note)
    return entry, found


def scan(
    store: Store,
    roots: Iterable[Path],
    *,
    region: str = "US",
    progress: Callable[[int, int], None] | None = None,
    only: set[str] | None = None,
    zone: tzinfo | None = None,
) -> ScanReport:
    """Bring the library up to date with `roots`.

    `only` (from the folder watcher) limits the work to those paths and everything under them;
    they are re-imported even when their stat is unchanged, and a sidecar in it re-imports its
    audio. Files outside `only` are neither imported nor marked missing: a file still being
    written elsewhere is left alone until the watcher reports it settled.
    """
    started = time.perf_counter()
    wanted = _Selection(only) if only is not None else None
    report = ScanReport()
    if wanted is None:  # [sources] timezone changed: files whose time was a zone-less text are read again
        store.note_zone(zone_key(zone))
    known = store.files()
    ctx = _Context(region, zone, mail_cache.folder_for(store.path))
    mail_seen = store.mail_seen()
    mail_seen_new: list[tuple[str, int, int]] = []
    mail_present: set[str] = set()

    todo: list[_Entry] = []
    seen: set[str] = set()
    scanned_roots: list[str] = []
    for root in roots:
        root = Path(os.path.abspath(os.path.expanduser(root)))
        if not root.exists():
            report.unreadable.append((str(root), "folder not found"))
            continue
        scanned_roots.append(str(root))
        kind = mail_sources.kind(root)
        if kind == "mbox":
            todo.extend(mail_scanning.mbox_entries(root, ctx, known, mail_seen, mail_seen_new, wanted, seen, report,
                                                   _Entry))
            mail_present.add(str(root))
            continue
        if kind == "maildir":
            entries = mail_scanning.maildir_entries(root, report, mail_seen, mail_present, _Entry)
        else:
            entries = _group(list(walk(root, report)), report)
        for entry in entries:
            seen.add(entry.path)
            seen.update(entry.alternatives)
            row = known.get(entry.path)
            retry = row is not None and row.retry  # the last read failed, not for the content: read again
            if wanted is not None and not wanted.covers(entry.path) and not retry:
                continue
            unchanged = row and not row.missing and row.size == entry.size and row.mtime_ns == entry.mtime_ns
            if unchanged and not retry and (wanted is None or not wanted.forces(entry.path)):
                report.unchanged += 1
                continue
            todo.append(entry)

    done = 0
    if todo:
        # Files messages are shown from first: after an upgrade they decide which of several
        # calls an older version merged keeps the state (filing.adoptable).
        shown = store.shown_paths()
        todo.sort(key=lambda entry: entry.path not in shown)
        workers = min(4, (os.cpu_count() or 2) * 2)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            batch: list[tuple[Found, str, int, int, str, float | None]] = []
            for entry, found, audio_hash in pool.map(lambda e: _import(e, ctx), todo):
                if found is None:  # a mail without audio: not parsed again while unchanged
                    mail_seen_new.append((entry.path, entry.size, entry.mtime_ns))
                    done += 1
                    continue
                if found.error:
                    report.unreadable.append((entry.path, found.error))
                    if found.error_transient:
                        report.retrying.add(entry.path)
                batch.append((found, audio_hash, entry.size, entry.mtime_ns, entry.root, found.duration_s))
                done += 1
                if len(batch) >= BATCH:
                    _store_batch(store, batch, known, seen, scanned_roots, report)
                    if progress:
                        progress(done, len(todo))
            if batch:
                _store_batch(store, batch, known, seen, scanned_roots, report)
    if progress:
        progress(done, len(todo))
    if mail_seen_new:
        store.set_mail_seen(mail_seen_new)
    if wanted is None:
        gone = [path for path in mail_seen if path not in mail_present and any(_under(path, r) for r in scanned_roots)]
        if gone:
            store.forget_mail_seen(gone)

    skipped = {path for path, _reason in report.skipped}
    dropped = [path for path in known if path in skipped and importers.not_a_message(path)
               and (wanted is None or wanted.covers(path))]
    if dropped:  # e.g. a Takeout recorded call an older version listed: not a message
        store.drop_files(dropped)
    vanished = [
        path for path, row in known.items()
        if not row.missing and path not in seen and path not in dropped
        and any(_under(path, root) for root in scanned_roots)
        and (wanted is None or wanted.covers(path))
    ]
    if vanished:
        store.mark_missing(vanished)
        report.missing.extend(vanished)
    if wanted is None and ctx.cache.is_dir():
        mail_cache.clean(ctx.cache, store.mail_audio())  # audio of mails that are gone
    report.seconds = time.perf_counter() - started
    return report


def _store_batch(store: Store, batch: list, known: dict, seen: set[str], roots: list[str], report: ScanReport) -> None:
    """Store one batch and say what each file was: new, changed, moved, or the same message as another file."""
    results = store.add_files(batch)
    for (found, audio_hash, *_rest), added in zip(batch, results):
        path = found.path
        previous = known.get(path)
        same = previous is not None and previous.message_id in (added.message_id, added.adopted_from)
        # Another file holds this message: one still there (or in a folder not scanned now) is a copy.
        live = [other for other in added.others if other in seen or not any(_under(other, root) for root in roots)]
        if live and not same:
            report.same_as.append((path, live[0]))
        elif previous and not same and not previous.missing and previous.message_id != audio_hash:
            report.changed.append(path)  # (same audio under a new id: a call an older version had merged: new)
        elif added.elsewhere and not same:
            report.moved.append(path)
        elif not same:
            report.new.append(path)
        else:
            report.unchanged += 1  # touched (mtime) but the same content
    batch.clear()


class _Selection:
    """The watcher's paths: each one means "this path and everything under it"."""

    SIDECARS = (".json", ".txt", ".html", ".htm")

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = {os.path.abspath(p) for p in paths}
        self.prefixes = tuple(p.rstrip(os.sep) + os.sep for p in self.paths)
        # a changed sidecar re-imports the audio with the same stem
        self.stems = {os.path.splitext(p)[0] for p in self.paths if p.lower().endswith(self.SIDECARS)}

    def covers(self, path: str) -> bool:
        return path in self.paths or path.startswith(self.prefixes) or os.path.splitext(path)[0] in self.stems

    def forces(self, path: str) -> bool:
        return self.covers(path)


def _group(entries: list[_Entry], report: ScanReport) -> list[_Entry]:
    """Let importers merge several files of one message (Asterisk .wav/.WAV/.gsm) per folder."""
    group = getattr(importers, "group_entries", None)
    return group(entries) if group else entries


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
