"""Audio duration from file headers, without starting an ffmpeg process per file.

`probe_duration(path)` returns seconds, or raises `HeaderError` with a one-line reason when the
file is clearly not usable audio (empty, truncated header, not the format its name says).
Formats no header parser here understands fall back to one `ffprobe` call.

Only a verdict on the file's bytes is final. A failure of ours or of the machine (an I/O error,
too many open files, no memory, ffprobe missing or timing out, an exception that is not a
parser's verdict, like the import race of issue #16) raises `HeaderError(transient=True)`:
the scan records it and tries the file again.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

# Imported here, once, by whichever thread imports this module: mutagen's format modules import
# each other, and importing them lazily from several scan threads at once made Python's import
# lock fail ("deadlock detected", half-initialised modules) on good files (issue #16).
from mutagen import MutagenError
from mutagen.aac import AAC
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from tui.audio.formats import raw_format


class HeaderError(Exception):
    """Why a file has no usable duration; `transient` when the reason is not the file's content."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.transient = transient


# What mutagen raises when the bytes are wrong (its own errors, and the plain ones its parsers
# hit on truncated or malformed data). Anything else is not a verdict on the file.
CONTENT_ERRORS = (MutagenError, ValueError, struct.error, EOFError, IndexError, KeyError, ZeroDivisionError, OverflowError)
# ffprobe's own words for a failure of the machine, not of the file
_FFPROBE_TRANSIENT = ("Permission denied", "Input/output error", "Too many open files", "Cannot allocate memory",
                      "Resource temporarily unavailable", "No such file or directory", "Stale file handle")


def os_reason(exc: OSError) -> str:
    return f"file not readable ({exc.strerror or type(exc).__name__})"


def probe_duration(path: Path, size: int | None = None) -> float:
    try:
        return _probe(path, size)
    except OSError as exc:  # the file could not be read now (EIO, EMFILE, EACCES, vanished): try again later
        raise HeaderError(os_reason(exc), transient=True) from None


def _probe(path: Path, size: int | None) -> float:
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


def _ogg(path: Path):
    try:
        return OggOpus(path)
    except MutagenError:  # not Opus: the Vorbis parser gives the verdict on the bytes
        return OggVorbis(path)


_MUTAGEN = {
    ".mp3": MP3,
    ".m4a": MP4,
    ".mp4": MP4,
    ".3gp": MP4,
    ".aac": AAC,
    ".ogg": _ogg,
    ".oga": _ogg,
    ".opus": _ogg,
    ".flac": FLAC,
}


def _mutagen_duration(path: Path, parser) -> float:
    try:
        info = parser(path).info
    except Exception as exc:  # noqa: BLE001 - sorted below: the bytes' fault, or ours
        cause = _os_error(exc)
        if cause is not None:  # mutagen wraps I/O errors in MutagenError
            raise HeaderError(os_reason(cause), transient=True) from None
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if isinstance(exc, CONTENT_ERRORS):
            raise HeaderError(f"not a readable {path.suffix.lstrip('.').lower()} file ({reason})") from None
        raise HeaderError(f"could not read the header ({type(exc).__name__}: {reason})", transient=True) from None
    length = float(getattr(info, "length", 0.0) or 0.0)
    if length <= 0:
        raise HeaderError("audio file with no playable length")
    return length


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind `exc` (itself, its cause or context, or its argument), if any."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError):
            return exc
        if exc.args and isinstance(exc.args[0], OSError):
            return exc.args[0]
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


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
        raise HeaderError("cannot read this format without ffprobe (install ffmpeg)", transient=True) from None
    except subprocess.TimeoutExpired:
        raise HeaderError("ffprobe timed out reading the file", transient=True) from None
    except OSError as exc:  # could not start ffprobe (EMFILE, ENOMEM, EAGAIN)
        raise HeaderError(f"could not start ffprobe ({exc.strerror or type(exc).__name__})", transient=True) from None
    text = result.stdout.strip()
    if result.returncode != 0 or not text or text == "N/A":
        reason = (result.stderr.strip().splitlines() or ["not a readable audio file"])[-1]
        if result.returncode < 0:  # killed by a signal (out of memory, shutdown): not the file's fault
            raise HeaderError(f"ffprobe was stopped (signal {-result.returncode})", transient=True)
        if any(word in reason for word in _FFPROBE_TRANSIENT):
            raise HeaderError(f"file not readable ({reason.split(': ')[-1]})", transient=True)
        raise HeaderError(f"not a readable audio file ({reason.split(': ')[-1]})")
    try:
        return float(text)
    except ValueError:
        raise HeaderError("not a readable audio file") from None
