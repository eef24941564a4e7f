"""A folder holding one real file per supported audio format, made by ffmpeg.

Used by the concurrency stress tests (and by bench-style reproduction scripts). Formats this
ffmpeg cannot encode (AMR needs libopencore) are left out and listed in `MISSING`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

# suffix -> (ffmpeg output options, file name stem's caller number)
FORMATS: dict[str, list[str]] = {
    ".wav": ["-c:a", "pcm_s16le"],
    "-mulaw.wav": ["-c:a", "pcm_mulaw"],
    ".mp3": ["-c:a", "libmp3lame", "-b:a", "32k"],
    ".m4a": ["-c:a", "aac", "-b:a", "32k"],
    ".mp4": ["-c:a", "aac", "-b:a", "32k", "-vn"],
    ".3gp": ["-c:a", "aac", "-b:a", "32k", "-f", "3gp"],
    ".aac": ["-c:a", "aac", "-b:a", "32k", "-f", "adts"],
    ".ogg": ["-c:a", "libvorbis"],
    ".oga": ["-c:a", "libvorbis", "-f", "ogg"],
    ".opus": ["-c:a", "libopus", "-ar", "48000"],
    ".flac": ["-c:a", "flac"],
    ".gsm": ["-c:a", "libgsm", "-ar", "8000", "-f", "gsm"],
    ".wma": ["-c:a", "wmav2", "-f", "asf"],
    ".webm": ["-c:a", "libopus", "-ar", "48000", "-f", "webm"],
    ".amr": ["-c:a", "libopencore_amrnb", "-ar", "8000", "-b:a", "12.2k"],
}
SECONDS = 3.0


def make_format_folder(folder: Path, copies: int = 1) -> dict[str, float]:
    """Write every format ffmpeg here can make (`copies` distinct tones each); returns path -> seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, float] = {}
    for index, (suffix, options) in enumerate(FORMATS.items()):
        for copy in range(copies):
            number = f"+1206555{index:02d}{copy:02d}"
            name = f"2026-11-{1 + copy % 28:02d} 09.{index:02d}.00 {number}{suffix}"
            path = folder / name
            result = subprocess.run(
                ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                 f"sine=frequency={300 + 40 * index + copy}:sample_rate=8000:duration={SECONDS}",
                 "-ac", "1", *options, str(path)],
                capture_output=True,
            )
            if result.returncode != 0:
                path.unlink(missing_ok=True)
                MISSING.add(suffix)
                break
            made[str(path)] = SECONDS
    return made


MISSING: set[str] = set()
