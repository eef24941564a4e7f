"""The composition root: builds the screen, wires the library, the player and the workers together.

Data flows one way: sources -> library -> app -> player -> library. The app reads and writes state
only through the store; the player knows audio and time; "listened" is decided by the coverage
rule inside the store when the app records progress.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from tui import keymap
from tui.app import palette
from tui.app.archive import ArchiveActions
from tui.app.background import BackgroundJobs
from tui.app.callback_actions import CallbackActions
from tui.app.caller_history import CallerHistory
from tui.app.dial import DialActions
from tui.app.inbox import VIEW_LABELS, VIEWS, Inbox
from tui.app.messages import BackgroundStage
from tui.app.playback import PRELOAD_AFTER_S, Playback
from tui.app.settings_actions import SettingsActions
from tui.app.screens.help import HelpScreen
from tui.app.widgets.callback_pane import CallbackPane
from tui.app.widgets.message_list import MessageList, make_row
from tui.app.widgets.player_bar import PlayerBar
from tui.app.widgets.transcript import TranscriptPane
from tui.app.writes import NOT_SAVED
from tui.config import Config
from tui.library.models import Message
from tui.library.store import Store
from tui.text import clean

LIBRARY_POLL_S = 2.0


def _probe_sound_server():
    from tui.audio.probe import probe

    return probe(timeout_s=2.0)


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


class VoicemailApp(Playback, CallbackActions, ArchiveActions, CallerHistory, DialActions, SettingsActions, BackgroundJobs,
                   App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "voicemail-tui"
    ENABLE_COMMAND_PALETTE = True  # Ctrl+P: every action, see tui/app/palette.py
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
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.config_path = config_path  # where the settings screen saves; None: not saved
        self.settings_probe = _probe_sound_server  # the settings screen's audio verdicts (layout tests pin it)
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
        self._continuations: set[str] = set()  # rows drawn indented under their caller (grouping)
        self._path_ids: dict[str, str] = {}  # audio path -> message id, for the player's snapshots
        self._last_write_error: str | None = None
        self._exit_requested = False
        self._preload_timer = None
        self.preload_after_s: float | None = PRELOAD_AFTER_S  # None: no decoding ahead (layout tests)
        self._user_started = False  # a failure is announced only when you asked to play
        self._last_saved = 0.0
        self._last_state: str | None = None
        self._stop_at: float | None = None
        self.scanning = False
        self.last_scan = None
        self.watcher = None
        self._watcher_error_shown: str | None = None
        self._pending_paths: set[str] = set()
        self._retry_round = 0  # scans in a row that left files to retry (transient read failures)
        self._retry_timer = None
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
        yield Footer(show_command_palette=False)  # 80 columns: Ctrl+P is listed in ? help instead

    @property
    def _exiting(self) -> bool:
        """True from the moment shutdown starts: Textual stops running the app before it removes the
        screen, so timers and messages that arrive after that must not touch widgets."""
        return self._exit_requested or not self.is_running

    @property
    def message_list(self) -> MessageList:
        return self.query_one(MessageList)

    def _row(self, message: Message):
        row = make_row(message, region=self.region, relative_days=self.config.ui.relative_time_days, now=self.now())
        if message.id in self._continuations:  # grouped by caller: a later row of the same caller
            row = replace(row, caller="  ↳ " + row.caller)
        return row

    def now(self) -> datetime:
        """The reader's time and zone: the injected clock, else this machine's."""
        return self.clock() if self.clock else datetime.now().astimezone()

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
        from tui.audio.ffmpeg import ffmpeg_status

        ok, reason = ffmpeg_status()
        if not ok:
            self.notify(reason, severity="error", timeout=30, markup=False)

    def _start_background(self) -> None:
        self.import_worker_modules()  # each job starts once what its threads import is in (tui.worker_imports)

    def on_background_stage(self, event: BackgroundStage) -> None:
        if self._exiting:
            return
        if event.stage == "scan":
            if self.config.contacts.paths:
                self.load_contacts()
            if self.scan_on_start and self.sources:
                self.start_scan()
            if self.config.sources.watch and self.sources:
                self.start_watching()
        elif event.stage == "playback":
            self.open_output()
        elif event.stage == "transcribe" and self.config.transcription.enabled:
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
        self._continuations = self.inbox.continuation_ids(visible)
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
        for view in VIEWS:
            if view == "archived" and not counts[view] and self.inbox.view != view:
                continue  # shown once something is archived
            style = "bold underline" if view == self.inbox.view and not self.inbox.query else "dim"
            title.append(f"  {VIEW_LABELS[view]} {counts[view]}", style=style)
        if self.inbox.grouped:
            title.append("  by caller", style="italic")
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
        history = self.caller_history(message)
        if message.listened:
            pane.show_details(
                message,
                self.store.callback(message.id),
                self.store.extraction_meta(message.id),
                self.store.notes(message.id),
                region=self.region,
                zone=self.now().tzinfo,
                history=history,
            )
        else:
            pane.show_locked(message, history=history, zone=self.now().tzinfo, **self._player_wording(message))
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

    def _player_wording(self, message: Message) -> dict:
        """What the locked pane needs to say about the player: its state for this message once you
        started it (a message decoded ahead under the cursor is not 'paused'), and the keys."""
        from tui.keymap import display_key

        keys = self.config.keys
        wording = {"play_key": display_key((keys.get("play") or ("enter",))[0]),
                   "restart_key": display_key((keys.get("restart") or ("r",))[0])}
        if self.player is not None and self.loaded_id == message.id and self._user_started:
            snapshot = self.player.snapshot()
            if snapshot.state in ("playing", "paused", "loading", "ended"):
                wording.update(player_state=snapshot.state, position_s=snapshot.position_s)
        return wording

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

    # -- actions: list -----------------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.message_list.move(1)

    def action_cursor_up(self) -> None:
        self.message_list.move(-1)

    def action_cycle_view(self) -> None:
        self.inbox.cycle_view()
        current = self.message_list.current
        self._show_list(current.id if current else None)

    def action_group_by_caller(self) -> None:
        self.inbox.grouped = not self.inbox.grouped
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

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        if screen is self.screen_stack[0]:  # the inbox itself: not over a dialog (edit, settings, …)
            yield from palette.action_commands(self)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.config.keys))

    async def action_quit(self) -> None:
        self.shutdown()
        self.exit(0)

    def on_unmount(self) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Save where playback stopped and release the audio device. Never waits on slow work."""
        self._exit_requested = True
        for timer in (self._preload_timer, self._retry_timer):
            if timer is not None:
                timer.stop()
        self._preload_timer = self._retry_timer = None
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
