"""Builders for nasty inputs shared by the hardening suites."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args], check=True)


def tone(path: Path, seconds: float, freq: int = 440, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate=8000:duration={seconds}", "-ac", "1", str(path))
    return path


def two_hour_mp3(path: Path) -> Path:
    """Two hours of silence as an 8 kb/s CBR MP3 (~7 MB): one minute encoded, its frames repeated."""
    minute = path.with_name(".minute.mp3")
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "60", "-ac", "1", "-b:a", "8k",
           "-write_xing", "0", "-id3v2_version", "0", str(minute))
    data = minute.read_bytes()
    minute.unlink()
    path.write_bytes(data * 120)
    return path


def build_nasty_folder(root: Path) -> dict[str, str]:
    """A folder of files that must each become an error row or be skipped with a reason.

    Returns name -> what is expected: "error" (an error row), "skipped" (reported, never opened),
    "ok" (a usable message despite a broken sidecar) or "ok-long" (the two-hour file).
    """
    root.mkdir(parents=True, exist_ok=True)
    good_wav = tone(root / "good.wav", 1.0)
    good_mp3 = tone(root / "ten.mp3", 10.0, 550)
    data_mp3 = good_mp3.read_bytes()
    expect: dict[str, str] = {"good.wav": "ok", "ten.mp3": "ok"}

    (root / "empty.wav").write_bytes(b"")
    (root / "2026-11-01 10.00.00 +12065550100.mp3").write_bytes(b"")
    expect |= {"empty.wav": "error", "2026-11-01 10.00.00 +12065550100.mp3": "error"}
    (root / "header-cut.wav").write_bytes(good_wav.read_bytes()[:30])
    expect["header-cut.wav"] = "error"
    # cut mid-frame: the header still parses, the stream ends inside a frame (playable to where it ends)
    (root / "cut-mid-frame.mp3").write_bytes(data_mp3[: len(data_mp3) * 3 // 5 + 7])
    expect["cut-mid-frame.mp3"] = "ok-or-error"
    (root / "cut-mid-sample.wav").write_bytes(good_wav.read_bytes()[:9001])
    expect["cut-mid-sample.wav"] = "ok-or-error"
    (root / "mp3-named.wav").write_bytes(data_mp3 + b"x")  # distinct content: identity is the hash
    (root / "wav-named.mp3").write_bytes(good_wav.read_bytes() + b"x")
    expect |= {"mp3-named.wav": "error", "wav-named.mp3": "error"}
    (root / "noise.m4a").write_bytes(os.urandom(5000))
    (root / "text.ogg").write_text("hello, not audio\n")
    (root / "elf.flac").write_bytes(b"\x7fELF" + os.urandom(3000))
    (root / "random.amr").write_bytes(os.urandom(2000))  # no header parser: one ffprobe call
    expect |= {"noise.m4a": "error", "text.ogg": "error", "elf.flac": "error", "random.amr": "error"}
    two_hour_mp3(root / "two-hours.mp3")
    expect["two-hours.mp3"] = "ok-long"

    # broken sidecars next to good audio: the audio stays a usable message
    for stem, content in (
        ("huge-json", b'{"caller_id_name": "' + b"A" * 200_000 + b'"}'),
        ("invalid-json", b'{"caller_id_name": "x", '),
        ("deep-json", b"[" * 60_000),
        ("binary-json", os.urandom(3000)),
        ("array-json", b"[1, 2, 3]"),
        ("wrong-types", b'{"caller_id_name": 5, "caller_id_number": [1], "received_at": {"a": 1}}'),
        ("bad-time", b'{"received_at": "2026-13-45T99:99:99"}'),
    ):
        (root / f"{stem}.wav").write_bytes(good_wav.read_bytes() + stem.encode())  # distinct content
        (root / f"{stem}.json").write_bytes(content)
        expect[f"{stem}.wav"] = "ok"
    gv = root / "Calls"
    for stem, content in (
        ("Ann - Voicemail - 2026-11-02T10_00_00Z", b"<html><span class='fn'>" + b"A" * 3_000_000 + b"<div>" * 20_000),
        ("Ben - Voicemail - 2026-11-03T10_00_00Z", os.urandom(4000)),
        ("+12065550111 - Voicemail - 2026-11-04T10_00_00Z", b"<a class='tel' href='tel:" + b"9" * 100_000 + b"'>"),
        ("Cy - Voicemail - 2026-11-05T10_00_00Z", b"<abbr class='published' title='not a date'>x</abbr>"
                                                  b"<abbr class='duration' title='PT99999999999H'>y</abbr>"),
    ):
        (gv / f"{stem}.mp3").parent.mkdir(exist_ok=True)
        (gv / f"{stem}.mp3").write_bytes(data_mp3 + stem.encode())
        (gv / f"{stem}.html").write_bytes(content)
        expect[f"Calls/{stem}.mp3"] = "ok"
    spool = root / "spool" / "INBOX"
    spool.mkdir(parents=True)
    (spool / "msg0000.wav").write_bytes(good_wav.read_bytes() + b"0")
    (spool / "msg0000.txt").write_bytes(b"[message]\ncallerid=" + os.urandom(500) + b"\norigtime=abc\nduration=-5\n")
    (spool / "msg0001.wav").write_bytes(good_wav.read_bytes() + b"1")
    (spool / "msg0001.txt").write_bytes(b"[message]\n" + b"x=" + b"y" * 300_000 + b"\n")
    (spool / "msg0002.wav").write_bytes(good_wav.read_bytes() + b"2")
    (spool / "msg0002.txt").write_bytes(os.urandom(2000))
    expect |= {"spool/INBOX/msg0000.wav": "ok", "spool/INBOX/msg0001.wav": "ok", "spool/INBOX/msg0002.wav": "ok"}

    # a non-UTF-8 file name, a symlink loop (file and folder), a dangling link and FIFOs
    (root / os.fsdecode(b"caller \xff\xfe name.wav")).write_bytes(good_wav.read_bytes() + b"utf")
    expect[os.fsdecode(b"caller \xff\xfe name.wav")] = "ok"
    os.symlink("loop.wav", root / "loop.wav")
    expect["loop.wav"] = "error"
    os.symlink(".", root / "folder-loop")
    os.symlink("does-not-exist.wav", root / "dangling.wav")
    expect["dangling.wav"] = "error"
    os.mkfifo(root / "pipe.wav")
    os.mkfifo(root / "pipe.mp3")
    expect |= {"pipe.wav": "skipped", "pipe.mp3": "skipped"}
    (root / "fifo-sidecar.wav").write_bytes(good_wav.read_bytes() + b"fifo")
    os.mkfifo(root / "fifo-sidecar.json")  # must never be opened (it would block)
    expect["fifo-sidecar.wav"] = "ok"
    (spool / "msg0003.wav").write_bytes(good_wav.read_bytes() + b"3")
    os.mkfifo(spool / "msg0003.txt")
    expect["spool/INBOX/msg0003.wav"] = "ok"
    return expect
