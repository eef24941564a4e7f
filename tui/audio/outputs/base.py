"""The Output interface every sink implements, the two errors, shared constants."""

from __future__ import annotations

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


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__
