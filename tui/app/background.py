"""Background work for the app: scanning, folder watching, transcription, other instances' changes.

Each runs off the UI loop (thread workers, the watcher's thread, the transcriber's process) and
posts one kind of message back; the handlers here update the screen from the library.
"""

from __future__ import annotations

from textual import work

from tui import worker_imports as imports
from tui.app.messages import (
    BackgroundStage,
    FilesChanged,
    LibraryChanged,
    ScanFinished,
    TranscriberReady,
    TranscriptionProgress,
)
from tui.text import clean


RETRY_DELAYS_S = (5.0, 30.0, 120.0, 600.0)  # after a scan left files to retry: 1st, 2nd, 3rd, then every


class BackgroundJobs:
    """Mixed into VoicemailApp; uses its store, config, widgets and messages."""

    def _poll_library(self) -> None:
        """Another instance (a second SSH session) may have changed the library."""
        if self._exiting:
            return
        try:
            if self.store.changed():
                self.reload()
        except Exception:  # never let a poll take the UI down; the next poll tries again
            pass
        self._announce_watcher_error()

    def _announce_watcher_error(self) -> None:
        """The folder watcher runs in a thread and keeps its last problem: say each new one once."""
        error = self.watcher.error if self.watcher is not None else None
        if error and error != self._watcher_error_shown:
            self._watcher_error_shown = error
            self.notify(clean(error, single_line=True, limit=200), title="Live folder updates",
                        severity="warning", timeout=15, markup=False)

    def on_library_changed(self, _: LibraryChanged) -> None:
        self.reload()

    # -- start-up ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="imports", exit_on_error=False)
    def import_worker_modules(self) -> None:
        """Import, on this one thread, what each stage's jobs need; then let the UI start them.

        Lazy imports on several threads at once broke good files (issue #16): see tui.worker_imports.
        A stage whose imports fail still starts: its job imports again and reports the reason.
        """
        for name, modules in (("scan", imports.SCAN), ("playback", imports.PLAYBACK), ("transcribe", imports.TRANSCRIBE)):
            try:
                imports.load(modules)
            except Exception:  # noqa: BLE001 - reported by the job itself when it imports again
                pass
            self.post_message(BackgroundStage(name))

    # -- contacts ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="contacts", exit_on_error=False)
    def load_contacts(self) -> None:
        """Read [contacts] paths (vCards) off the UI loop; the list and pane then show known callers."""
        from tui.library.contacts import load

        self.store.contacts = load(self.config.contact_paths(), self.region)
        self.post_message(LibraryChanged())

    # -- scanning ------------------------------------------------------------------------------
    def start_scan(self, only: set[str] | None = None) -> None:
        """Scan in a worker; while one runs, further requests are merged and run after it."""
        if self.scanning:
            if only is None:
                self._pending_paths.add("")  # "" = everything
            else:
                self._pending_paths |= only
            return
        self.scanning = True
        self._update_title()
        self._scan_worker(only)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _scan_worker(self, only: set[str] | None = None) -> None:
        from tui.library.scan import scan

        report = scan(self.store, self.sources, region=self.region, only=only, zone=self.config.source_zone())
        self.post_message(ScanFinished(report))

    def start_watching(self) -> None:
        from tui.library.watch import FolderWatcher

        def changed(paths) -> None:  # the watcher's thread
            self.post_message(FilesChanged(frozenset(str(p) for p in paths)))

        self.watcher = FolderWatcher(self.sources, changed)
        self.watcher.start()

    def on_files_changed(self, event: FilesChanged) -> None:
        self.start_scan(set(event.paths))

    def on_scan_finished(self, event: ScanFinished) -> None:
        self.scanning = False
        self.last_scan = event.report
        self.reload()
        if self._pending_paths:
            pending, self._pending_paths = self._pending_paths, set()
            self.start_scan(None if "" in pending else pending)
        self._queue_transcriptions()
        report = event.report
        self._schedule_retry(report.retrying)
        folders = [(p, r) for p, r in report.unreadable if r.startswith("folder")]
        for path, reason in folders[:3]:
            self.notify(f"{clean(path, single_line=True)}: {reason}", severity="warning", markup=False)
        if report.new and self.store.count() > len(report.new):
            self.notify(f"{len(report.new)} new voicemail{'s' if len(report.new) != 1 else ''}", markup=False)

    def _schedule_retry(self, paths: set[str]) -> None:
        """Files that failed for a reason not their content are read again, later and less often."""
        if not paths:
            self._retry_round = 0
            return
        if self._retry_timer is not None or self._exiting:
            return
        delay = RETRY_DELAYS_S[min(self._retry_round, len(RETRY_DELAYS_S) - 1)]
        self._retry_round += 1

        def retry() -> None:
            self._retry_timer = None
            if not self._exiting:
                self.start_scan(set(paths))

        self._retry_timer = self.set_timer(delay, retry)

    # -- transcription (a worker process; results arrive on its service thread) --------------------
    @work(thread=True, exclusive=True, group="transcriber", exit_on_error=False)
    def start_transcriber(self) -> None:
        from tui.enrich import Enricher
        from tui.errors import UserError as _UserError
        from tui.transcribe.model import resolve

        settings = self.config.transcription
        try:
            model_path = resolve(settings.model)
        except _UserError as exc:
            self.post_message(TranscriberReady(None, str(exc)))
            return

        def update(message_id, done, total, error) -> None:  # the service's thread
            self.post_message(TranscriptionProgress(done, total, message_id, error))

        enricher = Enricher(self.store, model_path, threads=settings.threads or None, language=settings.language,
                            region=self.region, on_update=update)
        self.post_message(TranscriberReady(enricher))

    def on_transcriber_ready(self, event: TranscriberReady) -> None:
        if event.enricher is None:
            self.transcriber_error = event.error
            self.notify(clean(event.error or "", single_line=True), title="Transcription unavailable",
                        severity="warning", timeout=10, markup=False)
            return
        if not self.is_running or self.enricher is not None:
            event.enricher.close()
            return
        self.enricher = event.enricher
        self._queue_transcriptions()

    def _queue_transcriptions(self) -> None:
        if self.enricher is None or self.scanning:
            return
        try:
            added = self.enricher.queue_pending()
        except Exception as exc:  # the worker could not start: say so once, keep the inbox working
            self.notify(f"Transcription stopped: {clean(str(exc), single_line=True)}", severity="error", markup=False)
            return
        if added:
            self._transcribe_first()
            self.transcribing = (self.enricher.done, self.enricher.total)
            self._update_title()
            self.reload()

    def _transcribe_first(self) -> None:
        """The message playing, then the one under the cursor, jump the transcription queue (the one
        being transcribed now finishes first)."""
        if self.enricher is None or self._exiting:
            return
        current = self.message_list.current
        playing = self.loaded_id if self._playing() else None
        try:
            moved = self.enricher.prioritize([playing, current.id if current else None])
        except Exception:  # the queue is the worker's business: never let it take the UI down
            return
        for message_id in moved:
            message = self.store.get(message_id)
            if message is not None:
                self._refresh_message(message)

    def on_transcription_progress(self, event: TranscriptionProgress) -> None:
        self.transcribing = (event.done, event.total)
        self._update_title()
        if event.message_id:
            message = self.store.get(event.message_id)
            if message is not None:
                self._refresh_message(message)

