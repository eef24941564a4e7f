"""sounddevice (PortAudio) callback stream with its own clock."""

from __future__ import annotations

import os
import threading
import time

from tui.audio.outputs.base import DEFAULT_RATE, LOST, Output, OutputLost, OutputUnavailable, _one_line


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
