"""The pydub layer: voicemail audio as pydub `AudioSegment`s, decoded the way the player needs it.

Everything that plays or transcribes audio gets it from here, as `AudioSegment`s:

- `decode(path, rate=..., channels=..., start_s=..., duration_s=..., speed=...)`: one piece (or the
  whole file) as an AudioSegment, at the rate and channels asked for;
- `SegmentStream`: a message from any offset at any speed as a run of AudioSegments. A FIRST
  PIECE (ffmpeg `-t`, `FIRST_PIECE_S` of output or more) is decoded on its own and handed out as it
  arrives, so a long message starts at once; the rest is decoded behind it by a second ffmpeg,
  started when the first piece's first audio is there, that decodes from the same point and drops
  exactly the frames the first piece had (the two ffmpeg runs are deterministic, so the seam is
  sample-exact: no gap, no click, no duplicate). The rest is read only as fast as it is played
  (the pipe holds ffmpeg back), so a 2-hour file never sits in memory;
- `to_float32(segment)`: samples as float32 in [-1, 1] (for whisper).

What pydub could not do, and how it is handled (once, in `tui.audio.ffmpeg.decode_command`):
`AudioSegment.from_file` puts its `parameters` after the output, where ffmpeg ignores them, seeks
with an output `-ss` (decodes everything before the offset), runs ffprobe first unless given a
codec, decodes whole files only, and `set_frame_rate`/`speedup` go through audioop (aliasing; speedup
chops and crossfades). So the command is built there (input options before `-i`, output options
before the output), ffmpeg's resampler does rate and channels, its atempo does speed with the pitch
kept, and this module builds the AudioSegments from ffmpeg's raw output with pydub's own
constructor. pydub has no float sample type: `Float32Segment` (below) carries ffmpeg's float32
output bit for bit, so transcription reads exactly the samples it read before this layer existed
(32-bit integer segments were tried: a 2^-32 difference changed whisper's text on 4 of 11 clips).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydub import AudioSegment

from tui.audio.stream import DecodeStream, StreamError

if TYPE_CHECKING:
    import numpy as np

# Output seconds decoded on their own before the rest (at least; the player asks for twice the
# device buffer + 1 s). The rest's ffmpeg starts when the first piece's first audio is there and
# must be producing before the first piece has gone into the device, which takes a buffer (or
# two) at once when it starts: with a 500 ms tunnel buffer a 0.5 s first piece left a 125 ms
# gap. The first piece is played as it is decoded, so its length costs nothing at the start.
FIRST_PIECE_S = 1.5
WIDTHS = {"s16le": 2, "s32le": 4, "f32le": 4}  # ffmpeg raw format -> AudioSegment sample_width
__all__ = ["FIRST_PIECE_S", "Float32Segment", "SegmentStream", "StreamError", "decode", "empty", "to_float32"]


class Float32Segment(AudioSegment):
    """An AudioSegment whose 4-byte samples are IEEE float32 (ffmpeg's f32le), not int32.

    pydub knows only integer samples. Slicing (`seg[a:b]`, `get_sample_slice`), lengths, frame
    counts and `get_array_of_samples()` (an array of 'f') work; pydub's audioop-based effects
    (gain, rms, overlay, set_frame_rate) would treat the bytes as integers and must not be used.
    """

    @property
    def array_type(self) -> str:
        return "f"


def _segment(data: bytes, sample_format: str, rate: int, channels: int) -> AudioSegment:
    cls = Float32Segment if sample_format == "f32le" else AudioSegment
    return cls(data, sample_width=WIDTHS[sample_format], frame_rate=int(rate), channels=int(channels))


def decode(
    path: str | os.PathLike[str],
    *,
    rate: int,
    channels: int = 1,
    sample_format: str = "s16le",
    start_s: float = 0.0,
    duration_s: float | None = None,
    speed: float = 1.0,
    timeout_s: float = 600.0,
) -> AudioSegment:
    """`path` from `start_s` (source seconds) for `duration_s` OUTPUT seconds (None: to the end), at
    `speed`, as an AudioSegment of `rate` Hz and `channels` ("s16le", "s32le", or "f32le": a
    Float32Segment). StreamError when the file cannot be read or decoded (one line; `.reason`
    without the file name)."""
    segment, _ = _decode(path, rate=rate, channels=channels, sample_format=sample_format, start_s=start_s,
                         duration_s=duration_s, speed=speed, timeout_s=timeout_s)
    return segment


def _decode(path, *, rate, channels, sample_format, start_s, duration_s, speed, timeout_s):
    if sample_format not in WIDTHS:
        raise ValueError(f"sample format must be one of {sorted(WIDTHS)}, not {sample_format!r}")
    with DecodeStream(path, rate=rate, channels=channels, start_s=start_s, speed=speed,
                      sample_format=sample_format, duration_s=duration_s) as stream:
        data = stream.read_all(timeout_s)
        duration = stream.duration_s
    return _segment(data, sample_format, rate, channels), duration


def empty(rate: int, channels: int = 1, sample_format: str = "s16le") -> AudioSegment:
    return _segment(b"", sample_format, rate, channels)


def to_float32(segment: AudioSegment) -> np.ndarray:
    """Interleaved samples as float32 in [-1, 1]: a Float32Segment's own, or 16/32-bit integers scaled."""
    import numpy as np  # only transcription needs it; the player does not load it

    if isinstance(segment, Float32Segment):
        return np.frombuffer(segment.raw_data, dtype="<f4").copy()
    dtype = {2: "<i2", 4: "<i4"}[segment.sample_width]
    ints = np.frombuffer(segment.raw_data, dtype=dtype)
    scale = np.float64(1 << (8 * segment.sample_width - 1))
    return (ints.astype(np.float64) / scale).astype(np.float32)


class SegmentStream:
    """A message from `start_s` at `speed` as AudioSegments, first piece first (see the module doc).

    Never blocks. `read(max_frames)` returns an AudioSegment of at most `max_frames` frames, an
    empty one when nothing is ready yet, and None at the end (StreamError if a decoder failed).
    The first piece is handed out as ffmpeg produces it (key to sound = one ffmpeg start, as with
    a plain stream); its whole output fits in the pipe, so its end, and with it its exact frame
    count, is known as soon as ffmpeg gets there. The rest's ffmpeg starts when the first piece's
    first audio is there, unless the input's duration says the first piece is all of it.
    `duration_s` is the input's duration as ffmpeg read it from the file (None if unknown).
    """

    def __init__(self, path: str | os.PathLike[str], *, rate: int, channels: int = 1, sample_format: str = "s16le",
                 start_s: float = 0.0, speed: float = 1.0, first_piece_s: float = FIRST_PIECE_S) -> None:
        self.path = path
        self.rate, self.channels, self.sample_format = int(rate), int(channels), sample_format
        self.start_s, self.speed = max(0.0, float(start_s)), float(speed)
        self.first_piece_s = float(first_piece_s)
        self.frame_bytes = WIDTHS[sample_format] * self.channels
        self.duration_s: float | None = None
        self._first: DecodeStream | None = DecodeStream(
            path, rate=self.rate, channels=self.channels, sample_format=sample_format, start_s=self.start_s,
            duration_s=self.first_piece_s, speed=self.speed,
            pipe_bytes=int(self.first_piece_s * self.rate + self.rate) * self.frame_bytes,
        )
        self._first_buf = bytearray()  # first piece decoded, not handed out yet
        self._first_frames = 0  # frames the first piece has produced so far
        self._rest: DecodeStream | None = None
        self._skip = 0  # bytes of the rest that repeat the first piece (set when the first piece ends)
        self._pending = bytearray()  # decoded rest not handed out yet (< one read)
        self._eof = False

    def read(self, max_frames: int) -> AudioSegment | None:
        if self._eof:
            return None
        want = max(1, int(max_frames)) * self.frame_bytes
        if self._first is not None:
            self._drain_first()
        if self._first_buf:
            data = bytes(self._first_buf[:want])
            del self._first_buf[:want]
            return _segment(data, self.sample_format, self.rate, self.channels)
        if self._first is not None:  # the first piece has not ended yet
            return empty(self.rate, self.channels, self.sample_format)
        if self._rest is None:
            self._eof = True
            return None
        return self._read_rest(max(1, int(max_frames)))

    def _drain_first(self) -> None:
        first = self._first
        assert first is not None
        while True:
            data = first.read(1 << 20)
            if not data:
                break
            self._first_buf += data
            self._first_frames += len(data) // self.frame_bytes
        if self.duration_s is None:
            self.duration_s = first.duration_s
        if self._first_frames and self._rest is None and not self._first_is_all():
            self._start_rest()  # decode the rest behind the first piece, from now on
        if data is None:  # the first piece ended
            self._first = None
            first.close()
            if first.error:
                self._close_rest()
                raise StreamError(first.error, first.reason)
            if self._first_frames < int(self.first_piece_s * self.rate) - self.rate // 10:
                # Clearly shorter than asked for: it was the whole (rest of the) message. Near the
                # boundary (rounding in -t) the rest is decoded anyway and simply adds nothing.
                self._close_rest()
            elif self._rest is None:
                self._start_rest()
            self._skip = self._first_frames * self.frame_bytes

    def _first_is_all(self) -> bool:
        """The input's duration (from ffmpeg's header line) says the first piece reaches its end."""
        if self.duration_s is None:
            return False
        return self.start_s + self.first_piece_s * self.speed >= self.duration_s + 0.2

    def _start_rest(self) -> None:
        self._rest = DecodeStream(self.path, rate=self.rate, channels=self.channels, start_s=self.start_s,
                                  speed=self.speed, sample_format=self.sample_format)

    def _close_rest(self) -> None:
        rest, self._rest = self._rest, None
        if rest is not None:
            rest.close()

    def _read_rest(self, max_frames: int) -> AudioSegment | None:
        rest = self._rest
        assert rest is not None
        want = max_frames * self.frame_bytes
        ended = False
        while len(self._pending) < want:
            data = rest.read(want - len(self._pending) + self._skip)
            if data is None:
                ended = True
                break
            if not data:
                break
            if self._skip:
                cut = min(self._skip, len(data))
                self._skip -= cut
                data = data[cut:]
            self._pending += data
        if self.duration_s is None:
            self.duration_s = rest.duration_s
        if self._pending:
            data = bytes(self._pending[:want])
            del self._pending[:want]
            return _segment(data, self.sample_format, self.rate, self.channels)
        if ended:
            self._eof = True
            if rest.error:
                raise StreamError(rest.error, rest.reason)
            return None
        return empty(self.rate, self.channels, self.sample_format)

    @property
    def at_eof(self) -> bool:
        return self._eof

    def close(self) -> None:
        first, self._first = self._first, None
        if first is not None:
            first.close()
        self._close_rest()
        self._eof = True

    def __enter__(self) -> SegmentStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
