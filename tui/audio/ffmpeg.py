"""Where ffmpeg is, and whether this machine has what the audio code needs.

ffmpeg is found the way pydub finds it (`pydub.utils.get_encoder_name`, i.e. ffmpeg or avconv on
PATH); ffprobe is still needed by the library for durations of formats it has no header parser for.
"""

from __future__ import annotations

import functools
import shutil

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
