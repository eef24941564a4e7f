"""Where ffmpeg is, and whether this machine has what the audio code needs.

ffmpeg is found the way pydub finds it (`pydub.utils.get_encoder_name`, i.e. ffmpeg or avconv on
PATH); ffprobe is still needed by the library for durations of formats it has no header parser for.
"""

from __future__ import annotations

import functools
import os
import shutil

from tui.audio.formats import input_args
from tui.errors import UserError


class FfmpegMissing(UserError):
    """ffmpeg is not installed; the message says how to install it."""


@functools.lru_cache(maxsize=1)
def ffmpeg_path() -> str:
    """The ffmpeg executable, found the way pydub finds it."""
    try:
        from pydub.utils import get_encoder_name

        name = get_encoder_name()
    except Exception:  # pydub missing or broken: plain PATH lookup
        name = "ffmpeg"
    found = shutil.which(name) or shutil.which("ffmpeg") or shutil.which("avconv")
    if not found:
        raise FfmpegMissing("ffmpeg is not installed: install it (e.g. apt-get install ffmpeg) to play audio")
    return found


def ffmpeg_status() -> tuple[bool, str]:
    """(True, path of ffmpeg) or (False, one sentence saying what is missing and how to install it)."""
    missing = [tool for tool in ("ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if missing:
        return False, f"{' and '.join(missing)} not found: install it (Debian/Ubuntu: sudo apt-get install ffmpeg)."
    return True, shutil.which("ffmpeg") or "ffmpeg"


SAMPLE_FORMATS = {"s16le": 2, "s32le": 4, "f32le": 4}  # raw output format -> bytes per sample


def atempo_chain(speed: float) -> str | None:
    """The ffmpeg filter for `speed` (None at 1x). atempo takes 0.5..2.0 per stage (pitch preserved)."""
    if abs(speed - 1.0) < 1e-9:
        return None
    if not 0.5 <= speed <= 4.0:
        raise ValueError(f"speed must be between 0.5 and 4, not {speed}")
    stages = []
    remaining = speed
    while remaining > 2.0:
        stages.append(2.0)
        remaining /= 2.0
    stages.append(remaining)
    return ",".join(f"atempo={s:.6g}" for s in stages)


def decode_command(
    path: str | os.PathLike[str],
    *,
    rate: int,
    channels: int = 1,
    sample_format: str = "s16le",
    start_s: float = 0.0,
    duration_s: float | None = None,
    speed: float = 1.0,
) -> list[str]:
    """The ffmpeg command that decodes `path` to raw PCM on stdout: the ONE place it is built.

    This is also the one place pydub's `AudioSegment.from_file` is worked around. from_file builds
    `ffmpeg [-f FORMAT] [-acodec CODEC] -i FILE -vn -f wav [-ss S] [-t D] - PARAMETERS`:
    - its `parameters` land after the output `-`, where ffmpeg ignores them ("Trailing option(s)
      found in the command: may be ignored"), so neither an input option (a raw format's
      -f/-ar/-ac, a fast seek) nor an output option (-ar, -ac, atempo) can be passed;
    - its `start_second` is an output `-ss`: everything before it is decoded and thrown away
      (slow deep in a long file);
    - without `codec` it runs ffprobe first on every call, and it decodes the whole file into
      memory; changing the rate afterwards (`set_frame_rate`) goes through audioop, which aliases.
    Here, in that order: input options (`formats.input_args(path)`, then `-ss START`, ffmpeg's fast
    and sample-accurate input seek) before `-i`; output options (`-t` in output seconds, atempo for
    speed with pitch kept, `-ac`/`-ar` through ffmpeg's resampler, the raw sample format) before the
    output `-`. ffmpeg reads the file's header itself (no ffprobe). `tui.audio.segments` turns the
    output into pydub `AudioSegment`s.
    """
    if sample_format not in SAMPLE_FORMATS:
        raise ValueError(f"sample format must be one of {sorted(SAMPLE_FORMATS)}")
    cmd = [ffmpeg_path(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "info"]
    cmd += input_args(path)
    if start_s > 0:
        cmd += ["-ss", f"{start_s:.6f}"]
    cmd += ["-i", os.fspath(path), "-map", "0:a:0", "-vn", "-sn", "-dn"]
    if duration_s is not None:
        cmd += ["-t", f"{duration_s:.6f}"]
    tempo = atempo_chain(speed)
    if tempo:
        cmd += ["-af", tempo]
    cmd += ["-ac", str(int(channels)), "-ar", str(int(rate)), "-f", sample_format, "-"]
    return cmd
