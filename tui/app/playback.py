"""Playback for the app: the audio output, the player's snapshots into the library, the play keys.

The player knows audio and time only; progress is saved against the file each snapshot names,
and the store's coverage rule decides 'listened'.
"""

from __future__ import annotations

import time

from textual import work

from tui.app import format as fmt
from tui.app.messages import OutputReady, PlayerChanged
from tui.app.widgets.player_bar import PlayerBar
from tui.app.widgets.transcript import TranscriptPane
from tui.app.writes import NOT_SAVED
from tui.library.models import Message
from tui.text import clean

PROGRESS_SAVE_INTERVAL_S = 1.0
PRELOAD_AFTER_S = 0.25  # the cursor rested: start decoding so Enter plays at once


class Playback:
    """Mixed into VoicemailApp; uses its store, config, widgets and messages."""

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
        if self._exiting:
            if event.output is not None:
                event.output.close()
            return
        bar = self.query_one(PlayerBar)
        if event.output is None:
            self.output_error = event.error
            bar.set_output("no audio", silent=True)
            self.notify(clean(event.error or "No audio output.", single_line=True), severity="error", timeout=20, markup=False)
            return
        from tui.audio.player import Player

        output = event.output
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
            at_end=snapshot.state == "ended",
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
            retry = " It will be read again shortly (will retry)." if message.error_transient else ""
            self.notify(f"Cannot play: {clean(message.error, single_line=True)}.{retry}", severity="error", markup=False)
            return False
        if message.missing:
            self.notify("The audio file is missing (moved or deleted outside the app).", severity="error", markup=False)
            return False
        start = message.position_s if start_s is None else start_s
        if message.duration_s and start >= message.duration_s - 0.25:
            start = 0.0
        player.load(message.audio, start_s=start, heard=message.heard, duration_s=message.duration_s)
        self._path_ids[message.audio] = message.id
        self.loaded_id = message.id
        self._last_state = None
        return True

    def _preload(self) -> None:
        """Load (not play) the message under the cursor while nothing is playing: ffmpeg starts and
        decodes ahead, so the key press only has to start the output."""
        self._preload_timer = None
        if self._exiting:
            return  # the timer fired while the app tears its screen down
        self._transcribe_first()
        message = self.message_list.current
        if (message is None or self.player is None or self._playing()
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
                self._transcribe_first()
            return
        player = self._ready_player()
        if player is not None:
            player.toggle()
            self._transcribe_first()

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
        fields = dict(self.store.callback(message.id))
        no_call = self.store.extraction_meta(message.id).no_call
        if no_call is not None and not message.called_back_at:
            fields["no_call"] = no_call  # "no need to call me back": worth checking before accepting
        order = ["number", "extension", "no_call", "name", "company", "ask_for", "request"]
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
        label = "no call needed" if chosen == "no_call" else chosen.replace("_", " ")
        self.notify(f"Replaying {fmt.clock(start)}-{fmt.clock(end)} ({label})", markup=False)

