"""Whole-file decoding through ffmpeg (found the way pydub finds it), for transcription and short clips."""

from __future__ import annotations

import os
import subprocess

import numpy as np
from pydub.utils import which  # at import, not on a worker thread (issue #16)

from tui.audio.formats import input_args
from tui.errors import UserError


class DecodeError(UserError):
    """The file could not be decoded; the message is a one-line reason."""


def decode_pcm(path: str, *, rate: int = 16000, channels: int = 1) -> np.ndarray:
    """Decode `path` with ffmpeg to float32 samples in [-1, 1] at `rate`, `channels` (interleaved).

    ffmpeg does the resampling for every format, WAV included (pydub reads PCM WAV itself and
    would resample 8 kHz voicemail with audioop, which aliases). Output is float32 straight
    from ffmpeg, so nothing is quantised on the way.
    """
    ffmpeg = which("ffmpeg") or which("avconv")
    if ffmpeg is None:
        raise DecodeError(f"cannot decode {path}: ffmpeg is not installed")
    if not os.path.isfile(path):
        raise DecodeError(f"cannot decode {path}: no such file")
    cmd = [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", *input_args(path), "-i", path, "-vn",
           "-ac", str(channels), "-ar", str(rate), "-f", "f32le", "-acodec", "pcm_f32le", "-"]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    except OSError as exc:
        raise DecodeError(f"cannot decode {path}: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        reason = _first_line(proc.stderr.decode("utf-8", errors="replace"))
        if reason.startswith(path + ": "):
            reason = reason[len(path) + 2 :]
        raise DecodeError(f"cannot decode {path}: {reason}")
    samples = np.frombuffer(proc.stdout, dtype="<f4")
    if samples.size == 0:
        raise DecodeError(f"cannot decode {path}: no audio in the file")
    return np.clip(samples, -1.0, 1.0).astype(np.float32, copy=False)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # ffmpeg's last lines carry the reason ("Invalid data found when processing input").
    for line in reversed(lines):
        if "Invalid" in line or "error" in line.lower() or "No such" in line:
            return line
    return lines[-1] if lines else "unknown error"
