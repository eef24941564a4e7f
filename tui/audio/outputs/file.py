"""file:PATH.wav: like null, and what is played out is written to a WAV file."""

from __future__ import annotations

import os
import tempfile
import wave
from pathlib import Path

from tui.audio.outputs.base import DEFAULT_RATE, OutputUnavailable
from tui.audio.outputs.null import NullOutput


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
