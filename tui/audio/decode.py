"""Whole-file decoding through the pydub layer (tui.audio.segments), for transcription and short clips."""

from __future__ import annotations

import numpy as np
from pydub.utils import which  # at import, not on a worker thread (issue #16)

from tui.errors import UserError


class DecodeError(UserError):
    """The file could not be decoded; the message is a one-line reason."""


def decode_pcm(path: str, *, rate: int = 16000, channels: int = 1) -> np.ndarray:
    """Decode `path` to float32 samples in [-1, 1] at `rate`, `channels` (interleaved).

    The file is read as a pydub AudioSegment by `tui.audio.segments.decode`: ffmpeg's resampler
    does the rate for every format, WAV included (pydub would resample 8 kHz voicemail with
    audioop, which aliases), and the segment is a Float32Segment holding ffmpeg's float32 output
    unchanged, so nothing is quantised on the way.
    """
    from tui.audio import segments
    from tui.audio.stream import StreamError

    try:
        segment = segments.decode(path, rate=rate, channels=channels, sample_format="f32le")
    except StreamError as exc:
        raise DecodeError(f"cannot decode {path}: {exc.reason}") from None
    samples = segments.to_float32(segment)
    if samples.size == 0:
        raise DecodeError(f"cannot decode {path}: no audio in the file")
    return np.clip(samples, -1.0, 1.0).astype(np.float32, copy=False)
