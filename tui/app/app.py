"""The composition root: builds the screen, wires the library, the player and the workers together.

Data flows one way: sources -> library -> app -> player -> library. The app reads and writes state
only through the store; the player knows audio and time; "listened" is decided by the coverage
rule inside the store when the app records progress.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from tui import keymap
from tui.app import format as fmt
from tui.app.inbox import VIEW_LABELS, Inbox
from tui.app.messages import (FilesChanged, LibraryChanged, OutputReady, PlayerChanged, ScanFinished,
                              TranscriberReady, TranscriptionProgress)
from tui.app.screens.called_back import CalledBackScreen
from tui.app.screens.edit import EditScreen
from tui.app.screens.help import HelpScreen
from tui.app.widgets.callback_pane import CallbackPane
from tui.app.widgets.message_list import MessageList, make_row
from tui.app.widgets.player_bar import PlayerBar
from tui.app.widgets.transcript import TranscriptPane
from tui.config import Config
from tui.library import phone
from tui.library.models import Message
from tui.library.store import Store
from tui.text import clean

PROGRESS_SAVE_INTERVAL_S = 1.0
NOT_SAVED = object()
PRELOAD_AFTER_S = 0.25  # the cursor rested: start decoding so Enter plays at once
LIBRARY_POLL_S = 2.0


def _bindings() -> list[Binding]:
    return [
        Binding(
            ",".join(keymap.textual_key(k) for k in keys),
            action,
            keymap.footer_label(action) or keymap.description(action),
            show=keymap.footer_label(action) is not None,
            id=action,
            key_display=keymap.display_key(keys[0]),
        )
        for action, keys in keymap.DEFAULT_KEYS.items()
    ]


class VoicemailApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "voicemail-tui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = _bindings()

    def __init__(
        self,
        *,
        store: Store,
        config: Config,
        sources: list[Path],
        demo: bool = False,
        scan_on_start: bool = True,
        clock=None,
    ) -> None:
        super().__init__()
        self.clock = clock  # () -> aware datetime for relative times; None = the real clock (tests pin it)
        self.store = store
        self.config = config
        self.sources = sources
        self.demo = demo
        self.scan_on_start = scan_on_start
        self.region = config.callback.default_region
        self.inbox = Inbox(region=self.region)
        self.player = None
        self.output_error: str | None = None
        self.loaded_id: str | None = None
        self._path_ids: dict[str, str] = {}  # audio path -> message id, for the player's snapshots
        self._last_write_error: str | None = None
        self._exiting = False
        self._preload_timer = None
        self.preload_after_s: float | None = PRELOAD_AFTER_S  # None: no decoding ahead (layout tests)
        self._user_started = False  # a failure is announced only when you asked to play
        self._last_saved = 0.0
        self._last_state: str | None = None
        self._stop_at: float | None = None
        self.scanning = False
        self.last_scan = None
        self.watcher = None
        self._pending_paths: set[str] = set()
        self.enricher = None
        self.transcriber_error: str | None = None
        self.transcribing: tuple[int, int] | None = None
        self.theme = config.ui.theme if config.ui.theme in self.available_themes else "textual-dark"

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="title", markup=False)
        yield Input(placeholder="Search callers, numbers, transcripts, notes — Enter keeps, Esc clears", id="search")
        yield MessageList(self._row, id="messages")
        yield PlayerBar(id="player")
        with Horizontal(id="details"):
            yield TranscriptPane(id="transcript")
            yield CallbackPane(id="callback")
        yield Footer()

    @property
    def message_list(self) -> MessageList:
        return self.query_one(MessageList)

    def _row(self, message: Message):
        now = self.clock() if self.clock else None
        return make_row(message, region=self.region, relative_days=self.config.ui.relative_time_days, now=now)

    def on_mount(self) -> None:
        custom = {a: k for a, k in self.config.keys.items() if k != keymap.DEFAULT_KEYS.get(a)}
        if custom:
            self.set_keymap({a: ",".join(keymap.textual_key(k) for k in keys) for a, keys in custom.items()})
        self.reload()
        self.message_list.focus()
        self.query_one(PlayerBar).set_output("audio: starting…", silent=False)
        self.call_after_refresh(self._start_background)  # the first screen never waits for these
        self.store.changed()  # remember the current data version
        self.set_interval(LIBRARY_POLL_S, self._poll_library)
        from tui.cli import ffmpeg_status

        ok, reason = ffmpeg_status()
        if not ok:
            self.notify(reason, severity="error", timeout=30, markup=False)

    def _start_background(self) -> None:
        self.open_output()
        if self.scan_on_start and self.sources:
            self.start_scan()
        if self.config.sources.watch and self.sources:
            self.start_watching()
        if self.config.transcription.enabled:
            self.start_transcriber()

    # -- library -> screen ---------------------------------------------------------------------
    def reload(self) -> None:
        """Read the library and redraw the list, keeping the cursor on the same message."""
        current = self.message_list.current
        self.inbox.messages = self.store.messages()
        if self.inbox.query:
            self.inbox.transcripts = self.store.transcript_texts()
        self._show_list(current.id if current else None)

    def _show_list(self, keep_id: str | None) -> None:
        visible = self.inbox.visible()
        if self.inbox.messages:
            empty = "No messages match the search." if self.inbox.query else f"Nothing in “{VIEW_LABELS[self.inbox.view]}”. Press v to change the view."
        elif self.scanning:
            empty = "Looking for voicemails…"
        elif not self.sources:
            empty = "No voicemail folders configured: run voicemail-tui init, or start with --source DIR."
        else:
            empty = "No voicemails found in " + ", ".join(clean(str(s), single_line=True) for s in self.sources)
        self.message_list.set_messages(visible, keep_id=keep_id, empty_text=empty)
        self._update_title()

    def _update_title(self) -> None:
        counts = self.inbox.counts()
        title = Text()
        title.append(" voicemail-tui ", style="bold reverse")
        for view in ("to_call", "all", "called_back"):
            style = "bold underline" if view == self.inbox.view and not self.inbox.query else "dim"
            title.append(f"  {VIEW_LABELS[view]} {counts[view]}", style=style)
        if self.inbox.query:
            title.append("  search: ", style="bold")
            title.append(clean(self.inbox.query, single_line=True, limit=30))
        if self.scanning:
            title.append("  scanning…", style="italic")
        if self.transcribing and self.transcribing[0] < self.transcribing[1]:
            done, total = self.transcribing
            title.append(f"  transcribing {done}/{total}", style="italic")
        self.query_one("#title", Static).update(title, layout=False)

    def _refresh_message(self, message: Message) -> None:
        self.inbox.replace(message)
        self.message_list.update_message(message)
        if self.message_list.current and self.message_list.current.id == message.id:
            self._show_details(message)

    @on(MessageList.Highlighted)
    def _highlighted(self, event: MessageList.Highlighted) -> None:
        message = event.message
        self._show_details(message)
        if self._preload_timer is not None:
            self._preload_timer.stop()
        if self.preload_after_s is not None:
            self._preload_timer = self.set_timer(self.preload_after_s, self._preload)
        bar = self.query_one(PlayerBar)
        snapshot = self.player.snapshot() if self.player else None
        if message is not None and (self.loaded_id != message.id or snapshot is None) and not self._playing():
            bar.show_message(message.heard, message.duration_s, message.position_s)
        elif snapshot is not None and self.loaded_id is not None:
            bar.show_snapshot(snapshot)

    def _show_details(self, message: Message | None) -> None:
        pane = self.query_one(CallbackPane)
        transcript_pane = self.query_one(TranscriptPane)
        if message is None:
            pane.show_empty()
            transcript_pane.show(None, status=None, listened=False, position=None)
            return
        if message.listened:
            pane.show_details(
                message,
                self.store.callback(message.id),
                self.store.extraction_meta(message.id),
                self.store.notes(message.id),
                region=self.region,
            )
        else:
            pane.show_locked(message)
        status = message.transcript_status
        if not self.config.transcription.enabled and status is None:
            status = "off"
        position = None
        if self.loaded_id == message.id and self.player is not None:
            position = self.player.snapshot().position_s
        elif not message.listened:
            position = message.position_s if message.heard else -1.0
        transcript_pane.show(
            self.store.transcript(message.id), status=status, listened=message.listened, position=position,
            error=message.transcript_error, secondary=message.sidecar_transcript,
        )

    def _poll_library(self) -> None:
        """Another instance (a second SSH session) may have changed the library."""
        try:
            if self.store.changed():
                self.reload()
        except Exception:  # never let a poll take the UI down; the next poll tries again
            pass

    def on_library_changed(self, _: LibraryChanged) -> None:
        self.reload()

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

        report = scan(self.store, self.sources, region=self.region, only=only)
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
        folders = [(p, r) for p, r in report.unreadable if r.startswith("folder")]
        for path, reason in folders[:3]:
            self.notify(f"{clean(path, single_line=True)}: {reason}", severity="warning", markup=False)
        if report.new and self.store.count() > len(report.new):
            self.notify(f"{len(report.new)} new voicemail{'s' if len(report.new) != 1 else ''}", markup=False)

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
            self.transcribing = (self.enricher.done, self.enricher.total)
            self._update_title()
            self.reload()

    def on_transcription_progress(self, event: TranscriptionProgress) -> None:
        self.transcribing = (event.done, event.total)
        self._update_title()
        if event.message_id:
            message = self.store.get(event.message_id)
            if message is not None:
                self._refresh_message(message)

    # -- audio output ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="output", exit_on_error=False)
    def open_output(self) -> None:
        from tui.audio.outputs import OutputUnavailable, open_output

        audio = self.config.audio
        try:
            output = open_output(audio.output, buffer_ms=audio.buffer_ms, device=audio.device, allow_null_fallback=self.demo)
        except OutputUnavailable as exc:
            self.post_message(OutputReady(None, str(exc)))
            return
        self.post_message(OutputReady(output))

    def on_output_ready(self, event: OutputReady) -> None:
        bar = self.query_one(PlayerBar)
        if event.output is None:
            self.output_error = event.error
            bar.set_output("no audio", silent=True)
            self.notify(clean(event.error or "No audio output.", single_line=True), severity="error", timeout=20, markup=False)
            return
        from tui.audio.player import Player

        output = event.output
        if self._exiting:
            output.close()
            return
        self.player = Player(output, on_change=lambda snapshot: self.post_message(PlayerChanged(snapshot)))
        bar.set_output(output.describe(), silent=bool(output.silent))
        reason = getattr(output, "reason", None)
        if reason:
            self.notify(
                clean(reason, single_line=True, limit=160),
                title="No sound device: the demo plays silently",
                severity="warning",
                timeout=8,
                markup=False,
            )

    # -- writes: a library that cannot be written (disk full, read-only) never ends the app ------
    def _write(self, write, *args, **kwargs):
        """Call a store write; on LibraryError say so (once per reason) and return NOT_SAVED."""
        from tui.library.store import LibraryError

        try:
            result = write(*args, **kwargs)
        except LibraryError as exc:
            reason = clean(str(exc), single_line=True)
            if reason != self._last_write_error:
                self._last_write_error = reason
                self.notify(reason, title="Not saved", severity="error", timeout=15, markup=False)
            return NOT_SAVED
        self._last_write_error = None
        return result

    # -- player -> library ---------------------------------------------------------------------
    def _playing(self) -> bool:
        return self.player is not None and self.player.snapshot().state in ("playing", "loading")

    def on_player_changed(self, event: PlayerChanged) -> None:
        snapshot = event.snapshot
        if self.loaded_id is None or self._exiting:
            return
        if snapshot.path is not None and self._path_ids.get(snapshot.path) != self.loaded_id:
            self._save_progress(snapshot)  # the final word on the file played before this one
            return
        current = self.message_list.current
        if current is not None and current.id == self.loaded_id or self._playing():
            self.query_one(PlayerBar).show_snapshot(snapshot)
        if current is not None and current.id == self.loaded_id:
            self.query_one(TranscriptPane).follow(snapshot.position_s)
        if self._stop_at is not None and snapshot.state == "playing" and snapshot.position_s >= self._stop_at:
            self._stop_at = None
            self.player.pause()
        state_changed = snapshot.state != self._last_state
        self._last_state = snapshot.state
        now = time.monotonic()
        if state_changed or snapshot.reached_end or now - self._last_saved >= PROGRESS_SAVE_INTERVAL_S:
            self._save_progress(snapshot)
            self._last_saved = now
        if state_changed and snapshot.state == "failed" and snapshot.error and self._user_started:
            self.notify(clean(snapshot.error, single_line=True), severity="error", timeout=15, markup=False)

    def _save_progress(self, snapshot) -> None:
        message_id = self._path_ids.get(snapshot.path) if snapshot.path else None
        if message_id is None:
            return
        before = self.store.get(message_id)
        message = self._write(
            self.store.record_progress,
            message_id,
            heard=snapshot.heard,
            position_s=snapshot.position_s,
            reached_end=snapshot.reached_end,
            threshold=self.config.audio.listened_threshold,
            duration_s=snapshot.duration_s if snapshot.duration_s else None,
        )
        if message is None or message is NOT_SAVED:
            return
        self._refresh_message(message)
        if message_id != self.loaded_id:
            return
        if before is not None and not before.listened and message.listened:
            self.notify("Listened to the end — callback details unlocked.", markup=False)
        elif snapshot.state == "ended" and not message.listened:
            heard = int(message.heard_fraction * 100)
            self.notify(
                f"Reached the end, but only {heard}% was heard: play the skipped parts to unlock the details.",
                severity="warning",
                markup=False,
            )

    # -- actions: playback -----------------------------------------------------------------------
    def _ready_player(self):
        if self.player is None:
            self.notify(
                clean(self.output_error, single_line=True) if self.output_error else "Audio is still starting…",
                severity="error" if self.output_error else "information",
                markup=False,
            )
        return self.player

    def _load(self, message: Message, *, start_s: float | None = None) -> bool:
        player = self._ready_player()
        if player is None:
            return False
        if message.error:
            self.notify(f"Cannot play: {clean(message.error, single_line=True)}", severity="error", markup=False)
            return False
        if message.missing:
            self.notify("The audio file is missing (moved or deleted outside the app).", severity="error", markup=False)
            return False
        start = message.position_s if start_s is None else start_s
        if message.duration_s and start >= message.duration_s - 0.25:
            start = 0.0
        player.load(message.path, start_s=start, heard=message.heard, duration_s=message.duration_s)
        self._path_ids[message.path] = message.id
        self.loaded_id = message.id
        self._last_state = None
        return True

    def _preload(self) -> None:
        """Load (not play) the message under the cursor while nothing is playing: ffmpeg starts and
        decodes ahead, so the key press only has to start the output."""
        self._preload_timer = None
        message = self.message_list.current
        if (message is None or self.player is None or self._exiting or self._playing()
                or message.error or message.missing or self.loaded_id == message.id):
            return
        self._user_started = False
        self._load(message)

    def action_play(self) -> None:
        message = self.message_list.current
        if message is None:
            return
        self._user_started = True
        self._stop_at = None
        if self.loaded_id != message.id:
            if self._load(message):
                self.player.play()
            return
        player = self._ready_player()
        if player is not None:
            player.toggle()

    def _loaded_player(self):
        if self.player is None or self.loaded_id is None:
            return None
        return self.player

    def action_seek_back(self) -> None:
        if player := self._loaded_player():
            player.seek(-5.0)

    def action_seek_forward(self) -> None:
        if player := self._loaded_player():
            player.seek(5.0)

    def action_restart(self) -> None:
        message = self.message_list.current
        if message is None:
            return
        self._user_started = True
        if self.loaded_id != message.id:
            if self._load(message, start_s=0.0):
                self.player.play()
            return
        if player := self._loaded_player():
            player.restart()

    def action_speed_down(self) -> None:
        if player := self._loaded_player():
            player.speed_down()

    def action_speed_up(self) -> None:
        if player := self._loaded_player():
            player.speed_up()

    def action_stop(self) -> None:
        if player := self._loaded_player():
            player.pause()

    def action_replay_evidence(self) -> None:
        message = self._unlocked("replay the part where the number was said")
        if message is None:
            return
        fields = self.store.callback(message.id)
        order = ["number", "extension", "name", "company", "ask_for", "request"]
        doubtful = [n for n in order if n in fields and fields[n].evidence and fields[n].confidence == "low"]
        chosen = doubtful[0] if doubtful else next((n for n in order if n in fields and fields[n].evidence), None)
        if chosen is None:
            self.notify("No part of this message is marked for that field.", markup=False)
            return
        start, end = fields[chosen].evidence
        self._user_started = True
        if self.loaded_id != message.id and not self._load(message, start_s=max(0.0, start - 0.5)):
            return
        self.player.seek_to(max(0.0, start - 0.5))
        self.player.play()
        self._stop_at = end + 0.5
        self.notify(f"Replaying {fmt.clock(start)}-{fmt.clock(end)} ({chosen.replace('_', ' ')})", markup=False)

    # -- actions: list -----------------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.message_list.move(1)

    def action_cursor_up(self) -> None:
        self.message_list.move(-1)

    def action_cycle_view(self) -> None:
        self.inbox.cycle_view()
        current = self.message_list.current
        self._show_list(current.id if current else None)

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        self.inbox.transcripts = self.store.transcript_texts()
        search.add_class("visible")
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.inbox.query = event.value.strip()
        current = self.message_list.current
        self._show_list(current.id if current else None)

    @on(Input.Submitted, "#search")
    def _search_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.remove_class("visible")
        self.message_list.focus()

    def on_key(self, event) -> None:
        search = self.query_one("#search", Input)
        if event.key == "escape" and search.has_focus:
            event.stop()
            search.value = ""
            search.remove_class("visible")
            self.message_list.focus()

    # -- actions: callback details -----------------------------------------------------------------
    def _unlocked(self, doing: str) -> Message | None:
        message = self.message_list.current
        if message is None:
            return None
        if message.error:
            self.notify(f"Cannot {doing}: {clean(message.error, single_line=True)}", severity="error", markup=False)
            return None
        if not message.listened:
            self.notify(
                f"Listen to the whole message first (heard {int(message.heard_fraction * 100)}%); then you can {doing}.",
                severity="warning",
                markup=False,
            )
            return None
        return message

    def action_edit(self, focus: str = "name") -> None:
        message = self._unlocked("edit its callback details")
        if message is None:
            return
        message_id = message.id

        def save_field(name: str, value: str) -> None:
            if name == "number":
                value = phone.to_e164(value, self.region) or value
            self._write(self.store.edit_field, message_id, name, value)

        def save_notes(text: str) -> None:
            self._write(self.store.set_notes, message_id, text)

        def closed(_: None) -> None:
            updated = self.store.get(message_id)
            if updated is not None:
                self._refresh_message(updated)

        self.push_screen(
            EditScreen(fmt.caller(message, self.region), self.store.callback(message_id), self.store.notes(message_id),
                       save_field, save_notes, focus=focus),
            closed,
        )

    def action_notes(self) -> None:
        self.action_edit(focus="notes")

    def action_copy_number(self) -> None:
        message = self._unlocked("copy the number")
        if message is None:
            return
        fields = self.store.callback(message.id)
        number = fields.get("number")
        if not number or not number.value:
            self.notify("No number to call for this message.", severity="warning", markup=False)
            return
        self.copy_to_clipboard(number.value)
        extension = fields.get("extension")
        extra = f" — then extension {clean(extension.value, single_line=True)}" if extension and extension.value else ""
        doubt = " (uncertain: check it, p replays it)" if number.confidence == "low" else ""
        self.notify(f"Copied {phone.international(number.value)}{extra}{doubt}", markup=False)

    def action_called_back(self) -> None:
        message = self.message_list.current
        if message is None:
            return
        if message.called_back_at is not None:
            if self._write(self.store.unmark_called_back, message.id) is NOT_SAVED:
                return
            self.notify("Back on the to-call list.", markup=False)
            self.reload()
            return
        message_id = message.id

        def done(outcome: str | None) -> None:
            if outcome is None:
                return
            if self._write(self.store.mark_called_back, message_id, outcome) is NOT_SAVED:
                return
            self.notify("Marked called back." + ("" if message.listened else " (You had not listened to it here.)"), markup=False)
            self.reload()

        who = fmt.caller(message, self.region)
        self.push_screen(CalledBackScreen(who), done)

    def action_export(self) -> None:
        from tui.export import ExportError, to_text, write_atomic

        target = self.config.export_path()
        try:
            write_atomic(target, to_text(self.store, region=self.region))
        except ExportError as exc:
            self.notify(clean(str(exc), single_line=True), severity="error", timeout=15, markup=False)
            return
        self.notify(f"Callback notes written to {clean(str(target), single_line=True)}", markup=False)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.config.keys))

    async def action_quit(self) -> None:
        self.shutdown()
        self.exit(0)

    def on_unmount(self) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Save where playback stopped and release the audio device. Never waits on slow work."""
        self._exiting = True
        enricher, self.enricher = self.enricher, None
        if enricher is not None:
            enricher.close()  # kills the model process at once
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            watcher.stop(timeout=1.0)
        player, self.player = self.player, None
        if player is not None:
            if self.loaded_id is not None:
                try:
                    self._save_progress(player.snapshot())
                except Exception:
                    pass
            player.close(timeout=1.0)

    # -- worker errors, in one place ---------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if event.worker.group == "scan":
                self.scanning = False
                self._update_title()
            self.notify(f"{event.worker.name or 'background job'} failed: {clean(str(error), single_line=True)}",
                        severity="error", timeout=15, markup=False)
