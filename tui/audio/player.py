"""The player: a state machine on its own thread, playing pydub AudioSegments with exact frame accounting.

Audio comes from `tui.audio.segments.SegmentStream` as AudioSegments at the output's rate, channels
and sample width (first piece at once, the rest decoded behind it). Every block handed to the output carries its source-time span (at speed s, n output frames cover
n*s/rate source seconds). Only frames the output reports as PLAYED OUT become heard intervals;
decoded, queued or skipped audio never does. Public methods only enqueue a command and return at
once: ffmpeg start, device open and all waiting happen on the player's thread.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pydub import AudioSegment

from tui.audio.coverage import Interval, merge
from tui.audio.outputs import Output, OutputLost, OutputUnavailable
from tui.audio.segments import FIRST_PIECE_S, SegmentStream
from tui.audio.stream import SPEEDS, StreamError

log = logging.getLogger(__name__)

STATES = ("idle", "loading", "playing", "paused", "ended", "failed")
TICK_S = 0.01  # player loop period while audio is moving
EMIT_INTERVAL_S = 0.1  # on_change at most ~10x/s during playback
READAHEAD_S = 0.5  # decoded audio kept ahead of the output while loading


@dataclass(frozen=True)
class PlayerSnapshot:
    state: str = "idle"
    position_s: float = 0.0  # source time actually played out (or where play() will start)
    duration_s: float | None = None
    speed: float = 1.0
    heard: tuple[Interval, ...] = ()  # merged source-time intervals played out (incl. load(heard=...))
    reached_end: bool = False  # the last real frame was played out
    error: str | None = None
    output_name: str = ""
    silent: bool = False
    path: str | None = None


class Player:
    def __init__(self, output: Output, on_change: Callable[[PlayerSnapshot], None] | None = None) -> None:
        self.output = output
        self.on_change = on_change
        self._cmds: queue.Queue[tuple] = queue.Queue()
        self._closed = False
        # --- state below is owned by the player thread ---
        self._state = "idle"
        self._path: str | None = None
        self._duration: float | None = None
        self._duration_given = False
        self._speed = 1.0
        self._heard: tuple[Interval, ...] = ()
        self._reached_end = False
        self._error: str | None = None
        self._pos = 0.0
        self._want_play = False
        self._stream: SegmentStream | None = None
        self._stream_src = 0.0  # source time of the next frame read from the stream
        self._carry: deque[tuple[float, AudioSegment]] = deque()  # decoded, not yet written: (src start, audio)
        self._blocks: deque[tuple[int, int, float, AudioSegment]] = deque()  # written this run: (offset, frames, src, audio)
        self._run_active = False
        self._run_written = 0
        self._run_accounted = 0
        self._finishing = False
        self._last_emit = 0.0
        self._emitted: PlayerSnapshot | None = None
        self._snap = PlayerSnapshot(output_name=output.describe(), silent=output.silent)
        self._thread = threading.Thread(target=self._run, name="player", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ public API (any thread)
    def load(self, path: str | os.PathLike[str], start_s: float = 0.0, heard: Iterable[Iterable[float]] = (),
             duration_s: float | None = None) -> None:
        self._send("load", os.fspath(path), float(start_s), merge(heard), duration_s)

    def play(self) -> None:
        self._send("play")

    def pause(self) -> None:
        self._send("pause")

    def toggle(self) -> None:
        self._send("toggle")

    def seek(self, delta_s: float) -> None:
        self._send("seek", float(delta_s))

    def seek_to(self, s: float) -> None:
        self._send("seek_to", float(s))

    def restart(self) -> None:
        self._send("restart")

    def set_speed(self, x: float) -> None:
        x = float(x)
        if not any(abs(x - s) < 1e-9 for s in SPEEDS):
            raise ValueError(f"speed must be one of {', '.join(f'{s:g}' for s in SPEEDS)}, not {x:g}")
        self._send("speed", x)

    def speed_up(self) -> None:
        self._send("speed_step", 1)

    def speed_down(self) -> None:
        self._send("speed_step", -1)

    def stop(self) -> None:
        """Stop playing and release the decoder and the device stream; heard/position stay in the snapshot."""
        self._send("stop")

    def close(self, timeout: float = 5.0) -> None:
        """Stop, close the output (file: writes its WAV) and end the thread."""
        if not self._closed:
            self._closed = True
            self._cmds.put(("close",))
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def snapshot(self) -> PlayerSnapshot:
        return self._snap

    def sync(self, timeout: float = 5.0) -> PlayerSnapshot:
        """Wait until every command sent so far has been handled; the snapshot then reflects them.

        Blocks: for scripts, tests and benchmarks, not for the UI loop (use on_change there).
        """
        done = threading.Event()
        self._send("sync", done)
        done.wait(timeout)
        return self._snap

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, *cmd: object) -> None:
        if self._closed:
            raise RuntimeError("the player is closed")
        self._cmds.put(cmd)

    # ------------------------------------------------------------------ player thread
    def _run(self) -> None:
        running = True
        while running:
            busy = self._state == "playing" or self._state == "loading"
            cmds: list[tuple] = []
            try:
                first = self._cmds.get(timeout=TICK_S if busy else 0.5)
                cmds.append(first)
                while True:
                    cmds.append(self._cmds.get_nowait())
            except queue.Empty:
                pass
            force = False
            synced: list[threading.Event] = []
            for cmd in cmds:
                try:
                    if cmd[0] == "close":
                        running = False
                        break
                    if cmd[0] == "sync":
                        synced.append(cmd[1])
                        continue
                    self._handle(cmd)
                    force = True
                except Exception as exc:  # never let the thread die: report it
                    log.exception("player command %s failed", cmd[0])
                    self._fail(f"player error: {exc}")
            if running:
                try:
                    self._step()
                except Exception as exc:
                    log.exception("player step failed")
                    self._fail(f"player error: {exc}")
            self._publish(force)
            for event in synced:
                event.set()
        # shutting down
        try:
            self._end_run(account=True)
            self._close_stream()
        finally:
            try:
                self.output.close()
            except Exception as exc:  # the snapshot is the only channel left
                log.exception("closing the output failed")
                self._error = self._error or f"closing the audio output failed: {exc}"
            if self._state in ("playing", "loading"):
                self._state = "idle"
            self._publish(True)

    def _handle(self, cmd: tuple) -> None:
        name = cmd[0]
        if name == "load":
            _, path, start_s, heard, duration = cmd
            if self._path is not None:
                # Let the app record the final progress of the file being replaced.
                self._end_run(account=True)
                if self._state in ("playing", "loading"):
                    self._state = "paused"
                self._publish(True)
            self._close_stream()
            self._path = path
            self._duration = float(duration) if duration is not None else None
            self._duration_given = duration is not None
            self._heard = heard
            self._reached_end = False
            self._error = None
            self._pos = max(0.0, start_s)
            self._want_play = False
            self._state = "loading"  # the decoder starts in _step, after all queued commands
        elif name == "play":
            self._play()
        elif name == "pause":
            self._pause()
        elif name == "toggle":
            if self._state == "playing" or (self._state == "loading" and self._want_play):
                self._pause()
            else:
                self._play()
        elif name == "seek":
            self._seek_to(self._pos + cmd[1])
        elif name == "seek_to":
            self._seek_to(cmd[1])
        elif name == "restart":
            self._seek_to(0.0)
            self._play()
        elif name == "speed":
            self._set_speed(cmd[1])
        elif name == "speed_step":
            idx = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self._speed))
            idx = max(0, min(len(SPEEDS) - 1, idx + cmd[1]))
            self._set_speed(SPEEDS[idx])
        elif name == "stop":
            self._end_run(account=True)
            self._close_stream()
            self._want_play = False
            if self._state != "failed":
                self._state = "idle"

    def _play(self) -> None:
        if self._path is None:
            return
        if self._state == "ended":
            self._pos = 0.0
            self._close_stream()
        if self._state in ("failed", "idle") and self._stream is None:
            self._error = None
            self._state = "loading"
        if self._state == "loading":
            self._want_play = True
            return
        self._state = "playing"

    def _pause(self) -> None:
        self._want_play = False
        if self._state == "playing":
            self._end_run(account=True, keep_unplayed=True)
            self._state = "paused"

    def _seek_to(self, target: float) -> None:
        if self._path is None:
            return
        target = max(0.0, target)
        if self._duration is not None:
            target = min(target, self._duration)
        was_playing = self._state == "playing" or self._want_play
        self._end_run(account=True)
        self._close_stream()
        self._pos = target
        if self._state in ("ended", "paused", "playing", "loading"):
            # A burst of seeks (a held arrow key) starts one decoder, in _step, not one per key.
            self._state = "loading"
            self._want_play = was_playing

    def _set_speed(self, x: float) -> None:
        if abs(x - self._speed) < 1e-9:
            return
        self._speed = x
        if self._stream is not None or self._run_active:
            self._seek_to(self._pos)

    # ------------------------------------------------------------------ decode stream
    def _open_stream(self) -> None:
        assert self._path is not None
        self._carry.clear()
        try:
            self._stream = SegmentStream(
                self._path, rate=self.output.rate, channels=self.output.channels,
                sample_format=self.output.sample_format, start_s=self._pos, speed=self._speed,
                first_piece_s=max(FIRST_PIECE_S, 2 * self.output.buffer_ms / 1000 + 1.0),
            )
        except StreamError as exc:
            self._stream = None
            self._fail(str(exc))
            return
        self._stream_src = self._pos

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        self._carry.clear()
        self._finishing = False
        if stream is not None:
            stream.close()

    def _read(self, max_frames: int) -> int | None:
        """Decoded frames tagged into the carry queue: how many (0: none ready yet); None at the end."""
        stream = self._stream
        if stream is None:
            return None
        segment = stream.read(max(1, max_frames))  # raises StreamError if the decoder failed
        if segment is None:
            return None
        frames = _frames(segment)
        if frames:
            self._carry.append((self._stream_src, segment))
            self._stream_src += frames * self._speed / self.output.rate
        if self._duration is None and not self._duration_given and stream.duration_s is not None:
            self._duration = stream.duration_s
        return frames

    def _carried_frames(self) -> int:
        return sum(_frames(s) for _, s in self._carry)

    # ------------------------------------------------------------------ the step
    def _step(self) -> None:
        if self._state == "loading":
            self._step_loading()
        if self._state == "playing":
            self._step_playing()

    def _step_loading(self) -> None:
        if self._stream is None:
            self._open_stream()
            if self._stream is None:
                return
        try:
            ahead = int(READAHEAD_S * self.output.rate)
            while self._carried_frames() < ahead:
                if not self._read(ahead - self._carried_frames()):
                    break
            eof = self._stream is None or self._stream.at_eof
        except StreamError as exc:
            self._fail(str(exc))
            return
        if self._carry or eof:
            if self._duration is None and self._stream is not None:
                self._duration = None if self._duration_given else self._stream.duration_s
            self._state = "playing" if self._want_play else "paused"
            self._want_play = False

    def _step_playing(self) -> None:
        out = self.output
        if not self._run_active:
            if self._stream is None:
                self._open_stream()
                if self._stream is None:
                    return
            try:
                out.start()
            except (OutputUnavailable, OutputLost) as exc:
                self._fail(str(exc))
                return
            self._run_active = True
            self._run_written = 0
            self._run_accounted = 0
            self._blocks.clear()
        try:
            self._feed()
            self._account(out.played_frames())
            if self._finishing and out.finished():
                self._account(self._run_written)
                ended_here = self._run_written > 0
                self._end_run(account=False)
                self._close_stream()
                self._reached_end = self._reached_end or ended_here
                self._state = "ended"
        except OutputLost as exc:
            self._lost(str(exc))
        except StreamError as exc:
            self._end_run(account=True)
            self._close_stream()
            self._fail(str(exc))

    def _feed(self) -> None:
        out = self.output
        free = out.free_frames()
        while free > 0 and not self._finishing:
            if not self._carry:
                got = self._read(free)
                if got is None:
                    out.finish()
                    self._finishing = True
                    break
                if not got:
                    break
            src, segment = self._carry.popleft()
            frames = _frames(segment)
            n = min(free, frames)
            chunk = segment
            if n < frames:
                chunk = segment.get_sample_slice(0, n)
                self._carry.appendleft((src + n * self._speed / out.rate, segment.get_sample_slice(n, None)))
            out.write(chunk.raw_data)
            self._blocks.append((self._run_written, n, src, chunk))
            self._run_written += n
            free -= n

    def _account(self, played: int) -> None:
        """Turn output frames [accounted, played) of this run into heard source intervals."""
        played = min(played, self._run_written)
        if played <= self._run_accounted:
            return
        spf = self._speed / self.output.rate
        new: list[Interval] = []
        end_src = self._pos
        while self._blocks:
            off, n, src, _ = self._blocks[0]
            lo = max(self._run_accounted, off)
            hi = min(played, off + n)
            if hi > lo:
                start, end_src = src + (lo - off) * spf, src + (hi - off) * spf
                new.append((start, end_src))
            if off + n <= played:
                self._blocks.popleft()
            else:
                break
        self._run_accounted = played
        self._pos = end_src
        if new:
            self._heard = merge(self._heard + tuple(new))

    def _end_run(self, *, account: bool, keep_unplayed: bool = False) -> None:
        """Stop the output at once; count what it played; optionally keep the unplayed rest for resume."""
        if not self._run_active:
            return
        self._run_active = False
        try:
            played = self.output.stop()
        except OutputLost:
            played = self._run_accounted
        if account:
            self._account(played)
        if keep_unplayed and not self._finishing:
            spf = self._speed / self.output.rate
            rest: list[tuple[float, AudioSegment]] = []
            for off, n, src, segment in self._blocks:
                skip = max(0, self._run_accounted - off)
                if skip < n:
                    rest.append((src + skip * spf, segment.get_sample_slice(skip, None) if skip else segment))
            self._carry.extendleft(reversed(rest))
        elif keep_unplayed and self._finishing:
            # The stream had ended; resuming must replay the unplayed tail: reopen at the position.
            self._close_stream()
        self._blocks.clear()

    def _lost(self, message: str) -> None:
        # Nothing more counts as heard: the frames after the last evidence may never have sounded.
        self._run_active = False
        self._blocks.clear()
        self._close_stream()
        self._fail(message)
        self._publish(True)  # before stopping the device: with a frozen server that may take a while
        try:
            self.output.stop()
        except Exception:
            pass

    def _fail(self, message: str) -> None:
        self._error = message
        self._state = "failed"
        self._want_play = False

    # ------------------------------------------------------------------ snapshots
    def _publish(self, force: bool) -> None:
        snap = PlayerSnapshot(
            state=self._state,
            position_s=self._pos,
            duration_s=self._duration,
            speed=self._speed,
            heard=self._heard,
            reached_end=self._reached_end,
            error=self._error,
            output_name=self.output.describe(),
            silent=self.output.silent,
            path=self._path,
        )
        self._snap = snap
        if self.on_change is None or snap == self._emitted:
            return
        now = time.monotonic()
        prev = self._emitted
        important = force or prev is None or prev.state != snap.state or prev.error != snap.error \
            or prev.reached_end != snap.reached_end or prev.speed != snap.speed
        if important or now - self._last_emit >= EMIT_INTERVAL_S:
            self._emitted = snap
            self._last_emit = now
            try:
                self.on_change(snap)
            except Exception:
                log.exception("on_change callback failed")


def _frames(segment: AudioSegment) -> int:
    return len(segment.raw_data) // segment.frame_width
