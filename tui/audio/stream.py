"""One ffmpeg decode as a non-blocking pipe of raw PCM: from any offset, at any speed, optionally a piece.

The command comes from `tui.audio.ffmpeg.decode_command` (input options before `-i`, `-ss START`
fast and sample-accurate, optional `-t`, atempo for speed with pitch kept, the output's rate through
ffmpeg's resampler). Nothing is decoded before it is read: the pipe holds the process back. The
input's duration comes from ffmpeg's own header line. `tui.audio.segments` wraps this into pydub
`AudioSegment`s; the player never reads it directly.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import threading
import time
from pathlib import Path

from tui.audio import ffmpeg as _ffmpeg
from tui.audio.ffmpeg import SAMPLE_FORMATS as FORMATS
from tui.audio.ffmpeg import FfmpegMissing, atempo_chain
from tui.errors import UserError

try:  # at import, not on the player's thread: lazy imports on threads raced (issue #16)
    from pydub.utils import get_encoder_name
except ImportError:  # pydub missing: plain PATH lookup
    get_encoder_name = None

SPEEDS = (1.0, 1.25, 1.5, 2.0)
__all__ = ["FORMATS", "SPEEDS", "DecodeStream", "StreamError", "atempo_chain", "check_readable", "ffmpeg_path"]

_DURATION_RE = re.compile(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")


class StreamError(UserError):
    """The audio could not be read or decoded; the message is one line, `reason` the part after the file name."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


def ffmpeg_path() -> str:
    """The ffmpeg executable, found the way pydub finds it (StreamError when it is missing)."""
    try:
        return _ffmpeg.ffmpeg_path()
    except FfmpegMissing as exc:
        raise StreamError(str(exc)) from None


def check_readable(path: str | os.PathLike[str]) -> Path:
    """Raise StreamError with one sentence if `path` cannot be opened for reading."""
    p = Path(path)
    if not p.exists():
        raise StreamError(f"cannot play {p.name}: the file does not exist", "the file does not exist")
    if p.is_dir():
        raise StreamError(f"cannot play {p.name}: it is a folder, not an audio file", "it is a folder, not an audio file")
    try:
        with open(p, "rb") as fh:
            head = fh.read(1)
    except OSError as exc:
        raise StreamError(f"cannot play {p.name}: {exc.strerror or exc}", str(exc.strerror or exc)) from None
    if not head:
        raise StreamError(f"cannot play {p.name}: the file is empty", "the file is empty")
    return p


class DecodeStream:
    """Raw PCM from `path`, starting at `start_s` source seconds, at `speed`.

    `read(max_bytes)` never blocks: it returns b"" when nothing is ready yet and None at the end of
    the stream (then `error` says whether the decoder failed). Output frames are whole frames.
    At speed s, n output frames cover n*s/rate source seconds. With `duration_s`, only that many
    OUTPUT seconds are decoded (a piece); `read_all()` waits for all of it; `pipe_bytes` asks for a
    pipe that large (up to 1 MiB) so ffmpeg is not held back.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        rate: int,
        channels: int = 1,
        start_s: float = 0.0,
        speed: float = 1.0,
        sample_format: str = "s16le",
        duration_s: float | None = None,
        pipe_bytes: int | None = None,
    ) -> None:
        if sample_format not in FORMATS:
            raise ValueError(f"sample format must be one of {sorted(FORMATS)}")
        self.path = check_readable(path)
        self.rate = int(rate)
        self.channels = int(channels)
        self.start_s = max(0.0, float(start_s))
        self.speed = float(speed)
        self.sample_format = sample_format
        self.frame_bytes = FORMATS[sample_format] * self.channels
        self.duration_s: float | None = None
        self.error: str | None = None
        self.reason: str | None = None  # the error without "cannot play NAME: "
        self._stderr_lines: list[str] = []
        self._duration_event = threading.Event()
        self._partial = b""
        self._eof = False
        try:
            cmd = _ffmpeg.decode_command(
                self.path, rate=self.rate, channels=self.channels, sample_format=sample_format,
                start_s=self.start_s, duration_s=duration_s, speed=self.speed,
            )
        except FfmpegMissing as exc:
            raise StreamError(str(exc)) from None
        try:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0
            )
        except OSError as exc:
            raise StreamError(f"cannot start ffmpeg: {exc}") from None
        assert self._proc.stdout is not None
        self._fd = self._proc.stdout.fileno()
        os.set_blocking(self._fd, False)
        if pipe_bytes:  # room for all of a piece: ffmpeg finishes it without waiting for the reader
            try:
                fcntl.fcntl(self._fd, 1031, min(int(pipe_bytes), 1 << 20))  # F_SETPIPE_SZ
            except OSError:
                pass  # the default 64 KiB only makes the piece end later
        self._stderr_thread = threading.Thread(target=self._read_stderr, name="ffmpeg-stderr", daemon=True)
        self._stderr_thread.start()

    # -- stderr: duration and error reason ------------------------------------------------------
    def _read_stderr(self) -> None:
        try:
            self._read_stderr_lines()
        except (OSError, ValueError):  # close() closed the pipe while this thread read it
            pass
        self._duration_event.set()

    def _read_stderr_lines(self) -> None:
        assert self._proc.stderr is not None
        for raw in iter(self._proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").strip()
            if not line:
                continue
            if self.duration_s is None:
                m = _DURATION_RE.search(line)
                if m:
                    h, mnt, sec = m.groups()
                    self.duration_s = int(h) * 3600 + int(mnt) * 60 + float(sec)
                    self._duration_event.set()
            if len(self._stderr_lines) < 200:
                self._stderr_lines.append(line)

    def wait_duration(self, timeout: float) -> float | None:
        """Wait (at most `timeout` s) for ffmpeg to report the input's duration."""
        self._duration_event.wait(timeout)
        return self.duration_s

    def _reason(self) -> str:
        lines = self._stderr_lines
        for line in reversed(lines):
            low = line.lower()
            if "invalid" in low or "error" in low or "no such" in low or "denied" in low or "not find" in low:
                return _strip_path(line, self.path)
        for line in reversed(lines):
            if "matches no streams" in line or "does not contain any stream" in line:
                return "it contains no audio"
        return _strip_path(lines[-1], self.path) if lines else "the decoder stopped without a reason"

    # -- data ------------------------------------------------------------------------------------
    def read(self, max_bytes: int = 1 << 16) -> bytes | None:
        if self._eof:
            return None
        try:
            chunk = os.read(self._fd, max_bytes)
        except BlockingIOError:
            if self._proc.poll() is not None:
                # Exited; one last read picks up anything still in the pipe.
                try:
                    chunk = os.read(self._fd, max_bytes)
                except BlockingIOError:
                    chunk = b""
                if chunk:
                    return self._whole(chunk)
                return self._finish()
            return b""
        except OSError:
            return self._finish()
        if not chunk:
            return self._finish()
        return self._whole(chunk)

    def _whole(self, chunk: bytes) -> bytes:
        data = self._partial + chunk
        cut = len(data) - len(data) % self.frame_bytes
        self._partial = data[cut:]
        return data[:cut]

    def _finish(self) -> None:
        self._eof = True
        try:
            rc = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            rc = self._proc.wait()
        self._stderr_thread.join(timeout=2)
        if rc != 0:
            reason = self._reason()
            if reason.startswith("Invalid"):
                reason = f"it is not a readable audio file ({reason})"
            self.reason = reason
            self.error = f"cannot play {self.path.name}: {reason}"
        return None

    def read_all(self, timeout_s: float = 60.0) -> bytes:
        """Block until the decoder ends; everything it wrote. StreamError if it failed or took too long."""
        import select

        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout_s
        while True:
            data = self.read(1 << 20)
            if data is None:
                break
            if data:
                chunks.append(data)
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise StreamError(f"cannot play {self.path.name}: the decoder took more than {timeout_s:g} s",
                                  f"the decoder took more than {timeout_s:g} s")
            select.select([self._fd], [], [], min(left, 0.05))
        if self.error:
            raise StreamError(self.error, self.reason)
        return b"".join(chunks)

    @property
    def at_eof(self) -> bool:
        return self._eof

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for f in (self._proc.stdout, self._proc.stderr):
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass

    def __enter__(self) -> DecodeStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _strip_path(line: str, path: Path) -> str:
    # ffmpeg prefixes errors with the input path; the caller already names the file.
    text = line.replace(str(path) + ": ", "").replace(str(path), path.name)
    text = re.sub(r"^\[[^\]]+\]\s*", "", text)
    return text[:200]
