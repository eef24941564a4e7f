"""Audio duration from file headers, without starting an ffmpeg process per file.

`probe_duration(path)` returns seconds, or raises `HeaderError` with a one-line reason when the
file is clearly not usable audio (empty, truncated header, not the format its name says).
Formats no header parser here understands fall back to one `ffprobe` call.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

from tui.audio.formats import raw_format


class HeaderError(Exception):
    pass


def probe_duration(path: Path, size: int | None = None) -> float:
    if size is None:
        size = path.stat().st_size
    if size == 0:
        raise HeaderError("empty audio file (0 bytes)")
    raw = raw_format(path)  # Asterisk's headerless formats (and a headerless msgNNNN.wav): size / byte rate
    if raw is not None:
        return size / raw.bytes_per_second
    suffix = path.suffix.lower()
    if suffix in (".wav", ".wav16"):
        return _riff_duration(path)
    parser = _MUTAGEN.get(suffix)
    if parser is not None:
        return _mutagen_duration(path, parser)
    return ffprobe_duration(path)


def _riff_duration(path: Path) -> float:
    with path.open("rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
            raise HeaderError("not a WAV file (no RIFF/WAVE header)")
        byte_rate = None
        while True:
            chunk = handle.read(8)
            if len(chunk) < 8:
                raise HeaderError("truncated WAV file (no data chunk)")
            chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if chunk_id == b"fmt ":
                fmt = handle.read(chunk_size + (chunk_size & 1))
                if len(fmt) < 16:
                    raise HeaderError("truncated WAV header")
                byte_rate = struct.unpack("<I", fmt[8:12])[0]
            elif chunk_id == b"data":
                if not byte_rate:
                    raise HeaderError("WAV file without a usable format chunk")
                position = handle.tell()
                handle.seek(0, 2)
                available = handle.tell() - position
                data_size = min(chunk_size, available) if chunk_size not in (0, 0xFFFFFFFF) else available
                if data_size <= 0:
                    raise HeaderError("WAV file with no audio data")
                return data_size / byte_rate
            else:
                handle.seek(chunk_size + (chunk_size & 1), 1)


def _mp3(path: Path):
    from mutagen.mp3 import MP3

    return MP3(path)


def _mp4(path: Path):
    from mutagen.mp4 import MP4

    return MP4(path)


def _ogg(path: Path):
    from mutagen.oggopus import OggOpus
    from mutagen.oggvorbis import OggVorbis

    try:
        return OggOpus(path)
    except Exception:
        return OggVorbis(path)


def _flac(path: Path):
    from mutagen.flac import FLAC

    return FLAC(path)


def _aac(path: Path):
    from mutagen.aac import AAC

    return AAC(path)


_MUTAGEN = {
    ".mp3": _mp3,
    ".m4a": _mp4,
    ".mp4": _mp4,
    ".3gp": _mp4,
    ".aac": _aac,
    ".ogg": _ogg,
    ".oga": _ogg,
    ".opus": _ogg,
    ".flac": _flac,
}


def _mutagen_duration(path: Path, parser) -> float:
    try:
        info = parser(path).info
    except Exception as exc:  # mutagen raises many types for bad input
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HeaderError(f"not a readable {path.suffix.lstrip('.').lower()} file ({reason})") from None
    length = float(getattr(info, "length", 0.0) or 0.0)
    if length <= 0:
        raise HeaderError("audio file with no playable length")
    return length


def ffprobe_duration(path: Path, timeout_s: float = 20.0) -> float:
    try:
        result = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise HeaderError("cannot read this format without ffprobe (install ffmpeg)") from None
    except subprocess.TimeoutExpired:
        raise HeaderError("ffprobe timed out reading the file") from None
    text = result.stdout.strip()
    if result.returncode != 0 or not text or text == "N/A":
        reason = (result.stderr.strip().splitlines() or ["not a readable audio file"])[-1]
        raise HeaderError(f"not a readable audio file ({reason.split(': ')[-1]})")
    try:
        return float(text)
    except ValueError:
        raise HeaderError("not a readable audio file") from None
