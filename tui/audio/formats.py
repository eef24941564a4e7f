"""What ffmpeg must be told before `-i` to read a voicemail file: the one format table.

Most files (WAV, MP3, M4A, OGG, AMR...) carry a header ffmpeg reads by itself: nothing is needed and
`input_args` returns []. Headerless formats (Asterisk's raw ulaw/alaw/sln/... recordings) need their
format, rate and channels stated as INPUT options; they belong in `RAW_INPUTS` (extension -> args).
Every ffmpeg command the audio code runs gets its input options from here (see
`tui.audio.ffmpeg.decode_command`), so playback and transcription read a file the same way.
"""

from __future__ import annotations

import os

RAW_INPUTS: dict[str, tuple[str, ...]] = {}


def input_args(path: str | os.PathLike[str]) -> list[str]:
    """ffmpeg input options for `path` (to go before its `-i`); [] when ffmpeg can tell by itself."""
    suffix = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    return list(RAW_INPUTS.get(suffix, ()))
