"""Watched source folders -> debounced, stability-checked change sets.

`FolderWatcher` runs watchfiles (inotify, or polling where inotify is unavailable) in a
background thread. Every created, modified, moved or deleted path under the folders is
collected; sync tools' in-progress names (`syncnames.is_partial`), hidden files and hidden
folders are ignored, so a Syncthing or rsync temp file is never seen, only the final name
it is renamed to.

A file is reported only once its size, mtime and inode have stayed the same for
`settle_s` seconds (it is re-stat-ed on every tick), so a file still being copied or
written in pieces is reported once, after it is complete. Deletions (and the old name of
a moved file) are reported at once. A folder that appears (a folder moved in) is walked
and its files are reported like new files; a folder that vanishes is reported as its own
path, so the receiver should treat a reported path as "this path and everything under it".

`on_change(paths: set[Path])` is called from the watcher thread; the app turns it into a
Textual message. The receiver re-checks each path (exists? decodes?); a path may be
reported that no longer exists.
"""

from __future__ import annotations

import logging
import os
import stat as stat_module
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

from tui.library.mail.sources import in_maildir_subfolder
from tui.library.syncnames import is_hidden_dir, is_ignored, is_partial

log = logging.getLogger(__name__)

TICK_MS = 200  # how often pending files are re-stat-ed when nothing happens
DEBOUNCE_MS = 300
STEP_MS = 50
ROOT_RECHECK_S = 2.0  # how often missing source folders are looked for again
MAX_EXPAND = 100_000  # files taken from one folder that appears at once

Signature = tuple[int, int, int]  # (size, mtime_ns, inode)


class FolderWatcher:
    """Watch `folders` (recursively) and call `on_change(set[Path])` with settled changes."""

    def __init__(
        self,
        folders: Iterable[Path | str],
        on_change: Callable[[set[Path]], None],
        *,
        settle_s: float = 1.0,
        force_polling: bool | None = None,
    ) -> None:
        self.folders = [Path(os.path.abspath(folder)) for folder in folders]
        self.on_change = on_change
        self.settle_s = max(0.0, float(settle_s))
        self.force_polling = force_polling
        self.error: str | None = None  # the last problem the watcher hit (for a status line)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending: dict[Path, tuple[Signature | None, float]] = {}
        self._reported: dict[Path, Signature] = {}
        self._ready: set[Path] = set()
        self._watching: list[Path] = []
        self._ready_event = threading.Event()

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> FolderWatcher:
        if self._thread is not None and self._thread.is_alive():
            return self
        self._stop.clear()
        self._ready_event.clear()
        self._thread = threading.Thread(target=self._run, name="folder-watcher", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop watching; returns within about `timeout` seconds (the thread is a daemon)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the folders are being watched (events from then on are not lost)."""
        return self._ready_event.wait(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def watching(self) -> list[Path]:
        """The folders actually watched (those that exist)."""
        return list(self._watching)

    def __enter__(self) -> FolderWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the thread --------------------------------------------------------------------

    def _existing(self) -> list[Path]:
        """Folders that exist, and mbox files (a source may be one file)."""
        return [folder for folder in self.folders if folder.is_dir() or folder.is_file()]

    def _root_of(self, path: Path) -> Path | None:
        text = str(path)
        best: Path | None = None
        for root in self.folders:
            root_text = str(root)
            if text == root_text or text.startswith(root_text.rstrip(os.sep) + os.sep):
                if best is None or len(root_text) > len(str(best)):
                    best = root
        return best

    def _ignored(self, path: Path) -> bool:
        root = self._root_of(path)
        if root is not None and path == root:
            return False
        if path.name.startswith("."):
            return not (root is not None and path.parent == root and in_maildir_subfolder(path / "new", root))
            # hidden files and folders (sync tools' temp names, .stfolder, ...), not Maildir++ folders
        if root is not None and in_maildir_subfolder(path, root):
            return is_partial(path.name)  # a mail in a Maildir++ folder (.Voicemail/new/...)
        return is_ignored(path, root)

    def _filter(self, change: watchfiles.Change, raw: str) -> bool:
        try:
            return not self._ignored(Path(raw))
        except Exception:  # never let a filter error stop the watcher
            return True

    def _run(self) -> None:
        polling = self.force_polling
        seen_roots: set[Path] | None = None
        while not self._stop.is_set():
            roots = self._existing()
            self._watching = roots
            if seen_roots is not None:
                # A source folder that appeared after start: its files are new.
                for root in set(roots) - seen_roots:
                    self._pending.setdefault(root, (None, time.monotonic()))
            seen_roots = set(roots)
            if not roots:
                self._ready_event.set()  # nothing to watch yet; folders are looked for again
                self._stop.wait(ROOT_RECHECK_S)
                continue
            try:
                self._watch(roots, polling)
            except Exception as exc:  # e.g. the inotify watch limit: fall back to polling
                then = "new files show after `voicemail-tui scan`" if polling else "polling instead"
                error = f"watching folders failed ({exc}); {then}"
                if error != self.error:  # once per distinct failure, not every retry
                    log.warning("folder watcher: %s", error)
                self.error = error
                if polling:
                    self._stop.wait(ROOT_RECHECK_S)
                polling = True

    def _watch(self, roots: list[Path], polling: bool | None) -> None:
        next_root_check = time.monotonic() + ROOT_RECHECK_S
        for changes in watchfiles.watch(
            *roots,
            watch_filter=self._filter,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=self._stop,
            rust_timeout=TICK_MS,
            yield_on_timeout=True,
            raise_interrupt=False,
            force_polling=polling,
            poll_delay_ms=300,
            recursive=True,
            ignore_permission_denied=True,
        ):
            if self._stop.is_set():
                return
            self._ready_event.set()
            self._absorb(changes)
            self._settle()
            now = time.monotonic()
            if now >= next_root_check:
                next_root_check = now + ROOT_RECHECK_S
                current = self._existing()
                if current != roots:
                    # A source folder appeared or vanished: report a vanished one, watch the new set
                    # (`_run` makes the files of an appeared one pending).
                    for root in set(roots) - set(current):
                        self._ready.add(root)
                    self._deliver()
                    return

    # --- bookkeeping (watcher thread only) ----------------------------------------------

    def _absorb(self, changes: set[tuple[watchfiles.Change, str]]) -> None:
        now = time.monotonic()
        for change, raw in changes:
            path = Path(raw)
            if change == watchfiles.Change.deleted and not os.path.lexists(path):
                self._pending.pop(path, None)
                self._forget(path)
                self._ready.add(path)
                continue
            if path not in self._pending:
                self._pending[path] = (None, now)

    def _forget(self, path: Path) -> None:
        self._reported.pop(path, None)
        prefix = str(path).rstrip(os.sep) + os.sep
        for known in [known for known in self._reported if str(known).startswith(prefix)]:
            del self._reported[known]
        for known in [known for known in self._pending if str(known).startswith(prefix)]:
            del self._pending[known]

    def _settle(self) -> None:
        now = time.monotonic()
        for path, (previous, since) in list(self._pending.items()):
            try:
                info = os.stat(path)
            except FileNotFoundError:
                del self._pending[path]
                self._forget(path)
                self._ready.add(path)  # vanished before it settled: let the receiver check
                continue
            except OSError:
                del self._pending[path]
                self._ready.add(path)  # unreadable: the scanner reports why
                continue
            if stat_module.S_ISDIR(info.st_mode):
                del self._pending[path]
                self._expand(path, now)
                continue
            if not stat_module.S_ISREG(info.st_mode):
                del self._pending[path]
                continue
            signature = (info.st_size, info.st_mtime_ns, info.st_ino)
            if signature != previous:
                self._pending[path] = (signature, now)
                continue
            if now - since < self.settle_s:
                continue
            del self._pending[path]
            if self._reported.get(path) == signature:
                continue  # touched (atime, permissions) but not changed
            self._reported[path] = signature
            self._ready.add(path)
        self._deliver()

    def _expand(self, folder: Path, now: float) -> None:
        """A folder appeared (created or moved in): its files become pending like new files."""
        count = 0
        for current, dirs, files in os.walk(folder, followlinks=False):
            dirs[:] = [name for name in dirs if not is_hidden_dir(name)]
            for name in files:
                path = Path(current) / name
                if self._ignored(path) or path in self._pending:
                    continue
                self._pending[path] = (None, now)
                count += 1
                if count >= MAX_EXPAND:
                    self._ready.add(folder)  # too many to follow one by one: rescan the folder
                    return

    def _deliver(self) -> None:
        if not self._ready:
            return
        ready, self._ready = self._ready, set()
        try:
            self.on_change(ready)
        except Exception:
            log.exception("folder watcher: on_change failed")
