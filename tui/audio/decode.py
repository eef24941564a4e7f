"""Whole-file decoding through pydub (ffmpeg), for transcription and short clips."""

from __future__ import annotations

import numpy as np

from tui.errors import UserError


class DecodeError(UserError):
    """The file could not be decoded; the message is a one-line reason."""


def decode_pcm(path: str, *, rate: int = 16000, channels: int = 1) -> np.ndarray:
    """Decode `path` with pydub/ffmpeg to float32 samples in [-1, 1] at `rate`, `channels` (interleaved).

    ffmpeg does the resampling (its resampler is better than audioop's).
    """
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

    try:
        segment = AudioSegment.from_file(path, parameters=["-ar", str(rate), "-ac", str(channels)])
    except CouldntDecodeError as exc:
        raise DecodeError(f"cannot decode {path}: {_first_line(str(exc))}") from None
    except (OSError, IndexError) as exc:
        raise DecodeError(f"cannot decode {path}: {exc}") from None
    segment = segment.set_sample_width(2).set_frame_rate(rate).set_channels(channels)
    samples = np.frombuffer(segment.raw_data, dtype="<i2").astype(np.float32)
    return samples / 32768.0


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # ffmpeg's last lines carry the reason ("Invalid data found when processing input").
    for line in reversed(lines):
        if "Invalid" in line or "error" in line.lower() or "No such" in line:
            return line
    return lines[-1] if lines else "unknown error"
