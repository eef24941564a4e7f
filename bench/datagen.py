"""A generated voicemail folder for the benchmarks: N short, distinct audio files with sidecars.

Every file has distinct bytes (a message's id is the hash of its content, so identical files
would collapse into one message). WAV files are written directly with the stdlib `wave` module
(one ffmpeg process per file would take minutes for 10,000); a share of MP3s is made from a few
ffmpeg-encoded bases, each copy made distinct by its own ID3v2 title tag. Callers, names and
times vary; some messages have no sidecar and some sidecars carry no name, as in real folders.

The folder is cached between runs under a temp path keyed by the parameters (a `complete`
marker is written last, so an interrupted generation is redone).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

FORMAT_VERSION = 1
RATE = 8000  # telephone audio
MP3_SHARE = 0.1

FIRST = ["Dana", "Lee", "Priya", "Marcus", "Ana", "Tom", "Keiko", "Omar", "Grace", "Ivan", "Lucia", "Sam",
         "Noor", "Ben", "Chloe", "Raj", "Eva", "Hugo", "Mia", "Jonas", "Zara", "Felix", "Ines", "Kwame"]
LAST = ["Whitfield", "Chen", "Patel", "Okafor", "Silva", "Berg", "Tanaka", "Haddad", "Kowalski", "Novak",
        "Garcia", "O'Brien", "Rossi", "Nguyen", "Dubois", "Schmidt", "Mensah", "Larsen", "Costa", "Ivanova"]
BUSINESS = ["ACME PLUMBING", "CITY DENTAL", "WIRELESS CALLER", "NORTHSIDE AUTO", "ST MARY HOSP", "PHARMACY",
            "UNKNOWN", "SCHOOL OFFICE", "BANK SERVICES", "VET CLINIC"]
AREAS = ["206", "312", "415", "617", "718", "503", "512", "303", "404", "919"]


@dataclass(frozen=True)
class Dataset:
    folder: Path
    messages: int
    names: tuple[str, ...]  # every caller name used: what a row on screen may show
    wav: int
    mp3: int


def cache_root() -> Path:
    return Path(os.environ.get("VOICEMAIL_BENCH_CACHE") or Path(tempfile.gettempdir()) / "voicemail-tui-bench")


def dataset(messages: int, *, seed: int = 1, root: Path | None = None, log=None) -> Dataset:
    """The cached folder for (messages, seed), generated when missing."""
    root = root or cache_root()
    folder = root / f"v{FORMAT_VERSION}-n{messages}-s{seed}" / "voicemail"
    marker = folder.parent / "complete.json"
    if marker.is_file():
        info = json.loads(marker.read_text())
        return Dataset(folder, messages, tuple(info["names"]), info["wav"], info["mp3"])
    if folder.parent.exists():
        shutil.rmtree(folder.parent)
    folder.mkdir(parents=True)
    if log:
        log(f"generating {messages} voicemails in {folder} (cached for later runs)")
    names, wav_count, mp3_count = generate(folder, messages, seed=seed)
    marker.write_text(json.dumps({"names": sorted(names), "wav": wav_count, "mp3": mp3_count}))
    return Dataset(folder, messages, tuple(sorted(names)), wav_count, mp3_count)


def _wav_bytes(index: int, rng: random.Random) -> tuple[bytes, float]:
    """0.2-1.0 s of a tone (one of ~50 pitches) with a short noise burst seeded by `index`."""
    seconds = 0.2 + rng.random() * 0.8
    frames = int(RATE * seconds)
    period = 10 + index % 50  # 160-800 Hz
    cycle = [int(8000 * (1 if i < period // 2 else -1) * (0.5 + 0.5 * ((i % period) / period))) for i in range(period)]
    tone = struct.pack(f"<{period}h", *cycle) * (frames // period + 1)
    burst = random.Random(index * 7919 + 17).randbytes(256)  # distinct content for every message
    pcm = burst + tone[len(burst): frames * 2]
    return pcm, frames / RATE


def _write_wav(path: Path, pcm: bytes) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm)


def _mp3_bases(folder: Path) -> list[bytes]:
    """A few short MP3s encoded by ffmpeg (one process each), without tags."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return []
    bases = []
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        for i, (freq, seconds) in enumerate([(330, 0.4), (440, 0.7), (550, 1.0), (660, 0.5)]):
            target = Path(tmp) / f"base{i}.mp3"
            subprocess.run(
                [ffmpeg, "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}",
                 "-ac", "1", "-ar", "22050", "-b:a", "32k", "-write_xing", "0", "-id3v2_version", "0", str(target)],
                check=True, timeout=60,
            )
            bases.append(target.read_bytes())
    return bases


def _id3_title(title: str) -> bytes:
    """A minimal ID3v2.3 tag with one TIT2 frame: makes each MP3 copy's bytes distinct."""
    text = b"\x00" + title.encode("latin-1")
    frame = b"TIT2" + struct.pack(">I", len(text)) + b"\x00\x00" + text
    size = len(frame)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + syncsafe + frame


def generate(folder: Path, messages: int, *, seed: int = 1) -> tuple[set[str], int, int]:
    rng = random.Random(seed)
    bases = _mp3_bases(folder)
    people = []
    for i in range(max(8, messages // 12)):  # repeat callers, as in a real inbox
        number = f"+1{rng.choice(AREAS)}555{rng.randrange(10000):04d}"
        if rng.random() < 0.25:
            name = rng.choice(BUSINESS)
        elif rng.random() < 0.1:
            name = None
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        people.append((number, name))
    names: set[str] = set()
    when = datetime(2024, 1, 1, 8, 0, 0)
    wav_count = mp3_count = 0
    for index in range(messages):
        when += timedelta(seconds=rng.randrange(600, 12000))
        number, name = rng.choice(people)
        stem = f"{when:%Y-%m-%d %H.%M.%S} {number}"
        if bases and rng.random() < MP3_SHARE:
            (folder / f"{stem}.mp3").write_bytes(_id3_title(f"voicemail {index}") + bases[index % len(bases)])
            mp3_count += 1
        else:
            pcm, _ = _wav_bytes(index, rng)
            _write_wav(folder / f"{stem}.wav", pcm)
            wav_count += 1
        roll = rng.random()
        if roll < 0.85:  # most have a sidecar; a few only the file name
            sidecar = {"caller_id_number": number, "received_at": when.isoformat()}
            if name and roll < 0.8:
                sidecar["caller_id_name"] = name
                names.add(name)
            (folder / f"{stem}.json").write_text(json.dumps(sidecar))
    return names, wav_count, mp3_count


def main() -> int:  # python -m bench.datagen N: make (or find) the folder and print where it is
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    data = dataset(n, log=print)
    print(f"{data.folder}: {data.wav} wav + {data.mp3} mp3")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
