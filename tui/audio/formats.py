"""Raw audio formats (Asterisk's) and how ffmpeg must be told to read them.

Asterisk writes one file per configured format, most of them bare samples with no header, so
ffmpeg cannot guess what they hold: `input_args(path)` gives the ffmpeg input options that go
before `-i` ([] for files that describe themselves: wav with a RIFF header, mp3, m4a, ...).
Everything that starts ffmpeg on a voicemail (decode, stream) and the header duration use this
one table.

| suffix                        | what Asterisk writes             | rate  | bytes/s |
|-------------------------------|----------------------------------|-------|---------|
| .ulaw .ul .mu .pcm .ulw       | G.711 mu-law, 8-bit              | 8 kHz | 8000    |
| .alaw .al .alw                | G.711 A-law, 8-bit               | 8 kHz | 8000    |
| .sln .raw                     | signed linear 16-bit LE          | 8 kHz | 16000   |
| .sln12 ... .sln192            | signed linear 16-bit LE          | n kHz | 2000 n  |
| .sln16                        | signed linear 16-bit LE          | 16 kHz| 32000   |
| .g722                         | G.722                            | 16 kHz| 8000    |
| .gsm                          | GSM 06.10, 33-byte frames/20 ms  | 8 kHz | 1650    |
| .WAV (wav49)                  | GSM in a RIFF/WAV container      | self-describing     |
| .wav/.WAV without a RIFF      | raw mu-law (Asterisk's testsuite | 8 kHz | 8000    |
| header, in an Asterisk spool  | copies talking.ulaw to .wav/.WAV)|       |         |

A headerless `.wav` counts as mu-law only where Asterisk wrote it (`msgNNNN.wav` beside its
`msgNNNN.txt`) and when it holds at least 0.1 s; anywhere else it stays "not a WAV file".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RawFormat:
    name: str
    args: tuple[str, ...]  # ffmpeg input options (before -i)
    bytes_per_second: float


def _pcm(fmt: str, rate: int, width: int) -> RawFormat:
    return RawFormat(f"{fmt} {rate} Hz", ("-f", fmt, "-ar", str(rate), "-ac", "1"), rate * width)


MULAW = _pcm("mulaw", 8000, 1)
ALAW = _pcm("alaw", 8000, 1)
SLN = _pcm("s16le", 8000, 2)
G722 = RawFormat("g722 16 kHz", ("-f", "g722"), 8000)
GSM = RawFormat("gsm 8 kHz", ("-f", "gsm"), 33 / 0.02)

_BY_SUFFIX: dict[str, RawFormat] = {
    **dict.fromkeys((".ulaw", ".ul", ".mu", ".pcm", ".ulw"), MULAW),
    **dict.fromkeys((".alaw", ".al", ".alw"), ALAW),
    **dict.fromkeys((".sln", ".raw"), SLN),
    ".g722": G722,
    ".gsm": GSM,
}
_SLN_RATE = re.compile(r"^\.sln(12|16|24|32|44|48|96|192)$")

# Every suffix this table reads, for the importers' lists of audio names.
RAW_SUFFIXES = frozenset({*_BY_SUFFIX, *(f".sln{rate}" for rate in (12, 16, 24, 32, 44, 48, 96, 192))})


def raw_format(path: str | Path) -> RawFormat | None:
    """The raw format `path` holds (by its suffix, and for `.wav` by its first bytes), or None."""
    suffix = Path(path).suffix
    lower = suffix.lower()
    if lower == ".wav":
        return MULAW if _asterisk_headerless(Path(path)) else None
    found = _BY_SUFFIX.get(lower)
    if found is not None:
        return found
    match = _SLN_RATE.match(lower)
    if match:
        rate = 44100 if match.group(1) == "44" else int(match.group(1)) * 1000
        return _pcm("s16le", rate, 2)
    return None


def input_args(path: str | Path) -> list[str]:
    """ffmpeg input options for `path` (to go before `-i`); [] when the file describes itself."""
    found = raw_format(path)
    return list(found.args) if found is not None else []


_MSG = re.compile(r"^msg\d{4,5}$")
_MIN_HEADERLESS_BYTES = 800  # 0.1 s of mu-law: less is a placeholder (wazo's "some-wav-data"), not audio


def _asterisk_headerless(path: Path) -> bool:
    """An Asterisk `msgNNNN.wav` without a RIFF header: raw mu-law. Unreadable files: no."""
    if not _MSG.match(path.stem):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(_MIN_HEADERLESS_BYTES)
        if len(head) < _MIN_HEADERLESS_BYTES or head[:4] in (b"RIFF", b"RIFX", b"RF64"):
            return False
        return path.with_suffix(".txt").is_file()
    except OSError:
        return False
