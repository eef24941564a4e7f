"""null: a clock that consumes written frames at the real rate, into nothing."""

from __future__ import annotations

import time

from tui.audio.outputs.base import DEFAULT_BUFFER_MS, DEFAULT_RATE, Output


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
