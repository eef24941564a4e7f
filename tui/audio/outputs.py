"""Audio sinks. Each reports the number of frames that have actually been PLAYED OUT, never what was
written or queued: that count is the only evidence the player turns into heard time.

Common interface (all methods are called from the player's thread only):

    start()            begin a run; the played counter restarts at 0 (may raise OutputUnavailable)
    free_frames()      how many frames write() may take now without blocking
    write(pcm)         s16le interleaved frames (len a multiple of frame_bytes)
    played_frames()    frames of this run played out so far (raises OutputLost if the sink died)
    finish()           no more data in this run: play what is queued, then `finished()` turns True
    finished()         every written frame has been played out
    stop() -> int      stop at once, discard what is queued, return the final played count
    close()            release everything (file: writes its WAV here)

Spec strings: "auto" | "sounddevice" | "pacat" | "null" | "file:PATH.wav" (see open_output).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import TextIO

from tui.errors import UserError

DEFAULT_RATE = 48000
DEFAULT_BUFFER_MS = 100
TUNNEL_BUFFER_MS = 500
STALL_S = 5.0  # no progress for this long while audio is queued: the connection is lost (frozen server)
LOST = "audio connection lost"


class OutputUnavailable(UserError):
    """The requested output cannot be used; the message is one sentence."""


class OutputLost(UserError):
    """The sink died during playback (server gone, stream stopped)."""


def default_buffer_ms() -> int:
    from tui.audio.probe import looks_like_tunnel

    return TUNNEL_BUFFER_MS if looks_like_tunnel() else DEFAULT_BUFFER_MS


class Output:
    name = "output"
    silent = False
    reason: str | None = None  # why this output was chosen instead of a real one (demo fallback)

    def __init__(self, *, rate: int = DEFAULT_RATE, channels: int = 1, buffer_ms: int | None = None) -> None:
        self.rate = int(rate)
        self.channels = int(channels)
        self.sample_format = "s16le"
        self.frame_bytes = 2 * self.channels
        self.buffer_ms = int(buffer_ms if buffer_ms is not None else default_buffer_ms())
        self.stall_s = STALL_S
        if self.buffer_ms <= 0:
            raise OutputUnavailable(f"the audio buffer must be a positive number of milliseconds, not {buffer_ms}")

    @property
    def buffer_frames(self) -> int:
        return max(256, self.rate * self.buffer_ms // 1000)

    def start(self) -> None:
        raise NotImplementedError

    def free_frames(self) -> int:
        raise NotImplementedError

    def write(self, pcm: bytes) -> None:
        raise NotImplementedError

    def played_frames(self) -> int:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError

    def finished(self) -> bool:
        raise NotImplementedError

    def stop(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# null / file: a clock that consumes frames at the real rate
# ---------------------------------------------------------------------------------------------
class NullOutput(Output):
    """Plays in real time into nothing: a monotonic clock consumes written frames at `rate`.

    Time in which nothing was written (an underrun) consumes nothing.
    """

    name = "null"
    silent = True

    def __init__(self, *, rate: int = DEFAULT_RATE, channels: int = 1, buffer_ms: int | None = None, reason: str | None = None) -> None:
        super().__init__(rate=rate, channels=channels, buffer_ms=buffer_ms if buffer_ms is not None else DEFAULT_BUFFER_MS)
        self.reason = reason
        self._running = False
        self._written = 0
        self._pos = 0.0  # frames played, fractional
        self._last = 0.0
        self._finishing = False

    def start(self) -> None:
        self._running = True
        self._written = 0
        self._pos = 0.0
        self._last = time.monotonic()
        self._finishing = False

    def _advance(self) -> None:
        now = time.monotonic()
        if self._running:
            before = int(self._pos)
            self._pos = min(float(self._written), self._pos + (now - self._last) * self.rate)
            after = int(self._pos)
            if after > before:
                self._consumed(after - before)
        self._last = now

    def _consumed(self, frames: int) -> None:
        """Hook: `frames` more frames were played out."""

    def free_frames(self) -> int:
        self._advance()
        return max(0, self.buffer_frames - (self._written - int(self._pos)))

    def write(self, pcm: bytes) -> None:
        self._advance()
        self._written += len(pcm) // self.frame_bytes

    def played_frames(self) -> int:
        self._advance()
        return int(self._pos)

    def finish(self) -> None:
        self._finishing = True

    def finished(self) -> bool:
        return self.played_frames() >= self._written

    def stop(self) -> int:
        self._advance()
        self._running = False
        played = int(self._pos)
        self._discard()
        return played

    def _discard(self) -> None:
        """Hook: drop the written frames that were not played."""


class FileOutput(NullOutput):
    """Like null, and everything played out is written to a WAV file (atomically, at close())."""

    name = "file"

    def __init__(self, path: str | os.PathLike[str], *, rate: int = DEFAULT_RATE, channels: int = 1, buffer_ms: int | None = None) -> None:
        super().__init__(rate=rate, channels=channels, buffer_ms=buffer_ms)
        self.path = Path(path)
        if self.path.suffix.lower() != ".wav":
            raise OutputUnavailable(f"the file output must be a .wav path, not {self.path.name!r}")
        parent = self.path.parent if str(self.path.parent) else Path(".")
        if not parent.is_dir():
            raise OutputUnavailable(f"cannot write {self.path}: the folder {parent} does not exist")
        if not os.access(parent, os.W_OK):
            raise OutputUnavailable(f"cannot write {self.path}: the folder {parent} is not writable")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=parent)
        os.close(fd)
        self._tmp = Path(tmp)
        self._wav = wave.open(str(self._tmp), "wb")
        self._wav.setnchannels(self.channels)
        self._wav.setsampwidth(2)
        self._wav.setframerate(self.rate)
        self._pending = bytearray()
        self._closed = False

    def describe(self) -> str:
        return f"file:{self.path}"

    def write(self, pcm: bytes) -> None:
        super().write(pcm)
        self._pending += pcm

    def _consumed(self, frames: int) -> None:
        n = frames * self.frame_bytes
        self._wav.writeframesraw(bytes(self._pending[:n]))
        del self._pending[:n]

    def _discard(self) -> None:
        self._pending.clear()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._wav.close()
        os.replace(self._tmp, self.path)


# ---------------------------------------------------------------------------------------------
# sounddevice (PortAudio) callback stream with its own clock
# ---------------------------------------------------------------------------------------------
class SoundDeviceOutput(Output):
    """PortAudio callback stream with its own clock: at each callback, every frame handed before it
    minus what is still queued ahead of it (outputBufferDacTime - currentTime) has been played out.
    Nothing is extrapolated past the latest callback (the evidence that the stream still ran).

    After the last real frame the callback keeps feeding silence until that frame has played, so
    stopping never discards real audio. A stream that stops on its own, or whose callbacks cease,
    is a lost connection.
    """

    name = "sounddevice"

    def __init__(self, *, device: int | str | None = None, buffer_ms: int | None = None, rate: int | None = None) -> None:
        try:
            import sounddevice as sd  # lazy: ~1 s on a slow link, and PortAudio may be missing
        except OSError as exc:
            raise OutputUnavailable(f"PortAudio is not available ({exc}); install libportaudio2 or use output = \"pacat\"") from None
        except ImportError as exc:
            raise OutputUnavailable(f"the sounddevice module is not installed ({exc})") from None
        self._sd = sd
        if device in (None, "") and _pulse_expected() and not _has_output(sd, "pulse"):
            # PortAudio lists devices once, at import: a sound server that came up later (or was
            # down then) is invisible until it rescans.
            _rescan_portaudio(sd)
        self.device = self._pick_device(device)
        try:
            info = sd.query_devices(self.device, "output")
        except Exception as exc:  # sounddevice raises ValueError / PortAudioError
            raise OutputUnavailable(f"No sound device or server: {_one_line(exc)}") from None
        chosen_rate = int(rate or DEFAULT_RATE)
        super().__init__(rate=chosen_rate, channels=1, buffer_ms=buffer_ms)
        try:
            sd.check_output_settings(device=self.device, channels=1, dtype="int16", samplerate=self.rate)
        except Exception:
            try:
                sd.check_output_settings(device=self.device, channels=2, dtype="int16", samplerate=self.rate)
                self.channels, self.frame_bytes = 2, 4
            except Exception as exc:
                raise OutputUnavailable(f"No sound device or server: {_one_line(exc)}") from None
        self.device_name = str(info.get("name", self.device))
        self._lock = threading.Lock()  # guards the fields below; never held while calling PortAudio
        self._stream = None
        self._reset_run()

    def describe(self) -> str:
        return f"sounddevice ({self.device_name})"

    def _pick_device(self, device: int | str | None) -> int | str | None:
        if device not in (None, ""):
            return device
        # ALSA's "default" only routes to PulseAudio if the server ran when PortAudio started; the
        # named "pulse" device always does (libasound2-plugins).
        try:
            for index, dev in enumerate(self._sd.query_devices()):
                if dev["name"] == "pulse" and dev["max_output_channels"] > 0:
                    return index
        except Exception:
            pass
        return None

    def _reset_run(self) -> None:
        self._buf = bytearray()
        self._total = 0  # frames handed to the callback, real and silence
        self._handed = 0  # real frames handed to the callback
        self._written = 0
        self._segs: list[tuple[int, int, int]] = []  # real data: (first total index, first real index, count)
        self._played_total = 0  # total frames played out, as of the latest callback
        self._played_real = 0
        self._last_cb = 0.0
        self._running = False
        self._finishing = False
        self._lost = False

    def _callback(self, outdata, frames, time_info, status) -> None:  # PortAudio thread
        now = time.monotonic()
        try:
            dac, cur = float(time_info.outputBufferDacTime), float(time_info.currentTime)
            latency = dac - cur if dac > 0 else -1.0
        except Exception:
            latency = -1.0
        if not 0.0 <= latency < 5.0:
            latency = self._latency
        nbytes = frames * self.frame_bytes
        with self._lock:
            # What is queued ahead of this buffer plays for `latency` s: everything handed before,
            # minus that, has been played out by now (the only evidence; no extrapolation).
            played = self._total - int(round(latency * self.rate))
            if played > self._played_total:
                self._played_total = played
            take = bytes(self._buf[:nbytes])
            del self._buf[: len(take)]
            count = len(take) // self.frame_bytes
            if count:
                self._segs.append((self._total, self._handed, count))
            self._handed += count
            self._total += frames
            self._last_cb = now
        outdata[: len(take)] = take
        if len(take) < nbytes:
            outdata[len(take):] = b"\x00" * (nbytes - len(take))

    def start(self) -> None:
        self._close_stream()
        with self._lock:
            self._reset_run()
        sd = self._sd
        try:
            stream = sd.RawOutputStream(
                samplerate=self.rate, channels=self.channels, dtype="int16", device=self.device,
                latency=self.buffer_ms / 1000.0, callback=self._callback,
            )
            self._latency = float(stream.latency)
            stream.start()
        except Exception as exc:
            raise OutputUnavailable(f"No sound device or server: {_one_line(exc)}") from None
        self._stream = stream
        with _PA_LOCK:
            _OPEN_STREAMS.add(id(self))
        with self._lock:
            self._running = True
            self._last_cb = time.monotonic()

    def free_frames(self) -> int:
        with self._lock:
            queued = len(self._buf) // self.frame_bytes
        # PortAudio may ask for several device buffers at once when the stream starts (5 x 6000
        # frames at 500 ms): keep two buffers queued so the first requests are never padded
        # with silence mid-message.
        return max(0, 2 * self.buffer_frames + self.rate // 20 - queued)

    def write(self, pcm: bytes) -> None:
        with self._lock:
            self._buf += pcm
            self._written += len(pcm) // self.frame_bytes

    def _count_played(self) -> tuple[int, float, float]:
        """Real frames played out as of the latest callback, that callback's time, and now."""
        now = time.monotonic()
        with self._lock:
            pt = self._played_total
            real = self._played_real
            keep = 0
            for i, (first_total, first_real, count) in enumerate(self._segs):
                if pt >= first_total + count:
                    real = first_real + count
                    keep = i + 1
                else:
                    if pt > first_total:
                        real = first_real + (pt - first_total)
                    break
            if keep:
                self._played_real = self._segs[keep - 1][1] + self._segs[keep - 1][2]
                del self._segs[:keep]
            last_cb = self._last_cb
        return real, last_cb, now

    def played_frames(self) -> int:
        played, last_cb, now = self._count_played()
        if self._running:
            stream = self._stream
            active = stream.active if stream is not None else False  # read outside our lock
            stalled = now - last_cb > max(self.stall_s, 8 * self.buffer_ms / 1000.0)
            if not active or stalled:
                self._lost = True
                self._running = False
        if self._lost:
            raise OutputLost(LOST)
        return played

    def finish(self) -> None:
        self._finishing = True

    def finished(self) -> bool:
        played = self.played_frames()
        with self._lock:
            return not self._buf and played >= self._written

    def stop(self) -> int:
        try:
            played, _, _ = self._count_played()
        finally:
            self._running = False
            self._close_stream()
            with self._lock:
                self._buf.clear()
        return played

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.abort()
        except Exception:
            pass
        try:
            stream.close(ignore_errors=True)
        except Exception:
            pass
        with _PA_LOCK:
            _OPEN_STREAMS.discard(id(self))

    def close(self) -> None:
        self._running = False
        self._close_stream()


_PA_LOCK = threading.Lock()
_OPEN_STREAMS: set[int] = set()


def _pulse_expected() -> bool:
    from tui.audio.probe import _unix_path, server_address

    address = server_address()
    path = _unix_path(address)
    return path is None or os.path.exists(path)


def _has_output(sd, name: str) -> bool:
    try:
        return any(d["name"] == name and d["max_output_channels"] > 0 for d in sd.query_devices())
    except Exception:
        return False


def _rescan_portaudio(sd) -> bool:
    """Re-initialise PortAudio so that it lists devices again; only while none of our streams is open."""
    with _PA_LOCK:
        if _OPEN_STREAMS:
            return False
        try:
            sd._terminate()
            sd._initialize()
        except Exception:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# pacat: `pacat -v` on stdin, position from its "Time:" lines
# ---------------------------------------------------------------------------------------------
_TIME_RE = re.compile(r"Time:\s*([0-9.]+)\s*sec")


class PacatOutput(Output):
    """`pacat --playback -v` reading raw PCM on stdin; played position from its "Time: x sec" lines
    (every ~50 ms). At the end stdin is closed: pacat drains and exits 0 once everything played."""

    name = "pacat"

    def __init__(self, *, device: str | None = None, buffer_ms: int | None = None, rate: int | None = None) -> None:
        self.pacat = shutil.which("pacat")
        if not self.pacat:
            raise OutputUnavailable("pacat is not installed (install pulseaudio-utils)")
        super().__init__(rate=int(rate or DEFAULT_RATE), channels=1, buffer_ms=buffer_ms)
        self.device = device
        self._proc: subprocess.Popen[bytes] | None = None
        self._reset_run()

    def describe(self) -> str:
        return "pacat" + (f" ({self.device})" if self.device else "")

    def _reset_run(self) -> None:
        self._time_s = 0.0
        self._time_changed = time.monotonic()
        self._written = 0
        self._finishing = False
        self._lines: list[str] = []
        self._running = False

    def start(self) -> None:
        self._kill()
        self._reset_run()
        cmd = [
            self.pacat, "--playback", "-v", "--raw", "--format=s16le", f"--rate={self.rate}",
            f"--channels={self.channels}", f"--latency-msec={self.buffer_ms}",
            "--client-name=voicemail-tui", "--stream-name=voicemail",
        ]
        if self.device:
            cmd += ["-d", str(self.device)]
        try:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, bufsize=0,
                env=dict(os.environ, LC_ALL="C", LANG="C"),
            )
        except OSError as exc:
            raise OutputUnavailable(f"pacat could not start: {exc}") from None
        assert proc.stdin is not None
        try:
            fcntl.fcntl(proc.stdin.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ: room for the whole buffer
        except OSError:
            pass
        self._proc = proc
        self._running = True
        self._time_changed = time.monotonic()
        threading.Thread(target=self._read_stderr, args=(proc,), name="pacat-stderr", daemon=True).start()

    def _read_stderr(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        pending = b""
        while True:
            chunk = proc.stderr.read1(4096) if hasattr(proc.stderr, "read1") else proc.stderr.read(4096)  # type: ignore[union-attr]
            if not chunk:
                break
            pending += chunk
            parts = re.split(rb"[\r\n]", pending)
            pending = parts.pop()
            for raw in parts:
                line = raw.decode("utf-8", "replace").strip()
                if not line:
                    continue
                m = _TIME_RE.search(line)
                if m:
                    value = float(m.group(1))
                    if proc is self._proc and value > self._time_s:
                        self._time_s = value
                        self._time_changed = time.monotonic()
                elif len(self._lines) < 50:
                    self._lines.append(line)

    def free_frames(self) -> int:
        inflight = self._written - self._played_now()
        return max(0, self.buffer_frames + self.rate // 5 - inflight)

    def write(self, pcm: bytes) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise OutputLost(LOST)
        try:
            proc.stdin.write(pcm)
        except (BrokenPipeError, OSError):
            self._running = False
            raise OutputLost(self._lost_reason()) from None
        self._written += len(pcm) // self.frame_bytes

    def _played_now(self) -> int:
        return min(self._written, int(self._time_s * self.rate + 1e-6))

    def _lost_reason(self) -> str:
        for line in self._lines:
            if "Connection failure" in line or "Stream error" in line or "refused" in line.lower():
                detail = line.split(":", 1)[1].strip() if line.startswith(("Connection failure", "Stream error")) else line
                if self._time_s <= 0 and "terminated" not in detail.lower():
                    return f"pacat could not play: {detail[:160]}"
                return f"{LOST} ({detail[:160]})"
        return LOST

    def played_frames(self) -> int:
        proc = self._proc
        if proc is None:
            return 0
        rc = proc.poll()
        if rc is None:
            played = self._played_now()
            stalled = time.monotonic() - self._time_changed > max(self.stall_s, 8 * self.buffer_ms / 1000.0)
            if played < self._written and stalled:
                self._running = False
                raise OutputLost(f"{LOST} (the sound server stopped answering)")
            return played
        if rc == 0 and self._finishing:
            return self._written  # drained: pacat exits 0 only after everything was played
        self._running = False
        raise OutputLost(self._lost_reason())

    def finish(self) -> None:
        self._finishing = True
        proc = self._proc
        if proc is not None and proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass

    def finished(self) -> bool:
        proc = self._proc
        if proc is None:
            return True
        rc = proc.poll()
        if rc is None:
            return False
        if rc != 0:
            self._running = False
            raise OutputLost(self._lost_reason())
        return True

    def stop(self) -> int:
        played = self._played_now()
        if self._proc is not None and self._proc.poll() == 0 and self._finishing:
            played = self._written
        self._kill()
        return played

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        self._running = False
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        for f in (proc.stdin, proc.stderr):
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass

    def close(self) -> None:
        self._kill()


# ---------------------------------------------------------------------------------------------
def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__


def open_output(
    spec: str = "auto",
    *,
    buffer_ms: int | None = None,
    device: int | str | None = None,
    allow_null_fallback: bool = False,
    probe_timeout_s: float = 3.0,
) -> Output:
    """Resolve an output spec to a ready Output, or raise OutputUnavailable with one sentence.

    May take up to `probe_timeout_s` plus the PortAudio import: call it off the UI loop.
    `auto` tries sounddevice, then pacat, and never falls back to null silently: with
    `allow_null_fallback=True` (for --demo) it returns a NullOutput whose `reason` says why.
    """
    spec = (spec or "auto").strip()
    if spec == "null":
        return NullOutput(buffer_ms=buffer_ms)
    if spec.startswith("file:"):
        target = spec[5:]
        if not target:
            raise OutputUnavailable('the file output needs a path, e.g. "file:/tmp/played.wav"')
        return FileOutput(os.path.expanduser(target), buffer_ms=buffer_ms)
    if spec == "sounddevice":
        return SoundDeviceOutput(device=device, buffer_ms=buffer_ms)
    if spec == "pacat":
        return PacatOutput(device=str(device) if device not in (None, "") else None, buffer_ms=buffer_ms)
    if spec != "auto":
        raise OutputUnavailable(
            f'unknown audio output {spec!r}: use "auto", "sounddevice", "pacat", "null" or "file:PATH.wav"'
        )
    try:
        return _auto(buffer_ms=buffer_ms, device=device, probe_timeout_s=probe_timeout_s)
    except OutputUnavailable as exc:
        if allow_null_fallback:
            return NullOutput(buffer_ms=buffer_ms, reason=str(exc))
        raise


def _auto(*, buffer_ms: int | None, device: int | str | None, probe_timeout_s: float) -> Output:
    from tui.audio.probe import probe

    result = probe(timeout_s=probe_timeout_s)
    if not result.ok and result.kind not in ("no_server", "no_pactl"):
        # Frozen, denied or auto_null: PortAudio would hang or play into nothing.
        raise OutputUnavailable(f"No sound device or server: {result.reason}")
    errors: list[str] = []
    try:
        return SoundDeviceOutput(device=device, buffer_ms=buffer_ms)
    except OutputUnavailable as exc:
        errors.append(str(exc))
    if result.ok:
        try:
            return PacatOutput(buffer_ms=buffer_ms)
        except OutputUnavailable as exc:
            errors.append(str(exc))
    reason = result.reason or "; ".join(errors)
    if reason.startswith("No sound device or server: "):
        reason = reason[len("No sound device or server: "):]
    raise OutputUnavailable(f"No sound device or server: {reason}")


# ---------------------------------------------------------------------------------------------
class NativeStderr:
    """fd 2 redirected to a log file; `stream` writes to the original terminal stderr."""

    def __init__(self, saved_fd: int, stream: TextIO, log_path: Path) -> None:
        self.saved_fd = saved_fd
        self.stream = stream
        self.log_path = log_path

    def restore(self) -> None:
        try:
            sys.stderr.flush()
        except Exception:
            pass
        os.dup2(self.saved_fd, 2)
        sys.stderr = sys.__stderr__


def redirect_native_stderr(log_path: str | os.PathLike[str]) -> NativeStderr:
    """Send everything C libraries write to fd 2 (PortAudio, ALSA, libpulse) to `log_path`.

    Python's sys.stderr is re-pointed at a duplicate of the original fd 2, so our own messages
    still reach the terminal. Call once at start-up, before PortAudio is imported.
    """
    path = Path(log_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        sys.stderr.flush()
    except Exception:
        pass
    saved = os.dup(2)
    os.dup2(fd, 2)
    os.close(fd)
    stream = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    sys.stderr = stream
    return NativeStderr(saved, stream, path)
