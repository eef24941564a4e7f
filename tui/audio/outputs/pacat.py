"""pacat: `pacat -v` on stdin, position from its "Time:" lines."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import threading
import time

from tui.audio.outputs.base import DEFAULT_RATE, LOST, Output, OutputLost, OutputUnavailable

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
