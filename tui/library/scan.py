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

import hashlib
import os
import stat as stat_module
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from tui.library import importers, syncnames
from tui.library.header import HeaderError, os_reason, probe_duration
from tui.library.models import Found
from tui.library.store import Store
from tui.text import clean, display_path

BATCH = 400
MAX_HASH_BYTES = 1 << 40  # no practical limit; the hash streams


@dataclass
class ScanReport:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): errors rows + unreadable folders
    retrying: set[str] = field(default_factory=set)  # paths in `unreadable` that failed for a reason not their content
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): never opened (FIFOs, devices)
    unchanged: int = 0
    seconds: float = 0.0

    @property
    def total_seen(self) -> int:
        return self.unchanged + len(self.new) + len(self.changed) + len(self.moved)

    def as_json(self) -> dict:
        """The report with every path as valid text (`display_path`: names that are not UTF-8 get U+FFFD)."""
        return {
            "new": [display_path(p) for p in self.new],
            "changed": [display_path(p) for p in self.changed],
            "moved": [display_path(p) for p in self.moved],
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
            if suffix not in importers.AUDIO_SUFFIXES:
                if suffix != ".txt" or not _is_sidecar_only(Path(entry.path)):
                    continue
            if syncnames.is_partial(name):
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
    """The message identity: a hash of the file's bytes. Empty files get a path-based id."""
    if size == 0:
        return "e" + hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:15]
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def _import(entry: _Entry, region: str) -> tuple[_Entry, Found, str]:
    path = Path(entry.path)
    importer = importers.importer_for(path)
    try:
        found = importer.read(path, entry.stat, region=region)
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
    try:
        message_id = content_id(entry.path, entry.size if found.error is None or entry.size else 0)
    except OSError as exc:
        if found.error is None or found.error_transient:
            found = replace(found, error=found.error or os_reason(exc), error_transient=True)
        message_id = content_id(entry.path, 0)
    return entry, found, message_id


def scan(
    store: Store,
    roots: Iterable[Path],
    *,
    region: str = "US",
    progress: Callable[[int, int], None] | None = None,
    only: set[str] | None = None,
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
    known = store.files()

    todo: list[_Entry] = []
    seen: set[str] = set()
    scanned_roots: list[str] = []
    for root in roots:
        root = Path(os.path.abspath(os.path.expanduser(root)))
        if not root.exists():
            report.unreadable.append((str(root), "folder not found"))
            continue
        scanned_roots.append(str(root))
        entries = list(walk(root, report))
        entries = _group(entries, report)
        for entry in entries:
            seen.add(entry.path)
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
        id_paths: dict[str, list[str]] = {}  # only needed when something is imported
        for path, row in known.items():
            id_paths.setdefault(row.message_id, []).append(path)
        workers = min(4, (os.cpu_count() or 2) * 2)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            batch: list[tuple[Found, str, int, int, str, float | None]] = []
            for entry, found, message_id in pool.map(lambda e: _import(e, region), todo):
                previous = known.get(entry.path)
                if previous and previous.message_id != message_id and not previous.missing:
                    report.changed.append(entry.path)
                elif message_id in id_paths and entry.path not in id_paths[message_id]:
                    report.moved.append(entry.path)
                elif previous is None or previous.message_id != message_id:
                    report.new.append(entry.path)
                else:
                    report.unchanged += 1  # touched (mtime) but the same content
                if found.error:
                    report.unreadable.append((entry.path, found.error))
                    if found.error_transient:
                        report.retrying.add(entry.path)
                batch.append((found, message_id, entry.size, entry.mtime_ns, entry.root, found.duration_s))
                done += 1
                if len(batch) >= BATCH:
                    store.add_files(batch)
                    batch.clear()
                    if progress:
                        progress(done, len(todo))
            if batch:
                store.add_files(batch)
    if progress:
        progress(done, len(todo))

    vanished = [
        path for path, row in known.items()
        if not row.missing and path not in seen and any(_under(path, root) for root in scanned_roots)
        and (wanted is None or wanted.covers(path))
    ]
    if vanished:
        store.mark_missing(vanished)
        report.missing.extend(vanished)
    report.seconds = time.perf_counter() - started
    return report


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
