"""Voicemail by mail (issue #13): import rate of a Maildir and an mbox of N mails beside the plain
folder holding the same N recordings, and the unchanged rescan, all in one run.

    .venv/bin/python -m bench.mail [--messages 2000] [--repeat 3]

The data (made in a temp dir each run): N distinct WAVs of ~1.3 s (8 kHz, 16-bit; the same
generator as bench/datagen.py), as files in a plain folder (`YYYY-MM-DD HH.MM.SS +NUMBER.wav`)
and as FreePBX-style mails (`From: "NAME" <NUMBER>` body, the WAV attached, base64) delivered to a
Maildir's new/ and written to one mbox (~26 kB per mail: a 2,000-mail mbox is ~50 MB).
Anchors (same run): the plain folder's cold import for the imports; a bare os.scandir + stat of
the Maildir's new/ for its rescan. Each figure is the median of `repeat` runs.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import random
import shutil
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from bench.common import median
from bench.datagen import _wav_bytes, _write_wav

TARGET_RESCAN_S = 0.2


def make(root: Path, messages: int) -> tuple[Path, Path, Path]:
    plain, box, mbox_path = root / "plain", root / "Maildir", root / "voicemail.mbox"
    plain.mkdir(parents=True)
    maildir = mailbox.Maildir(box, create=True)
    mbox = mailbox.mbox(mbox_path, create=True)
    rng = random.Random(13)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    for i in range(messages):
        pcm, _seconds = _wav_bytes(i, rng)
        pcm = (pcm * 3)[: 8000 * 2 * 13 // 10]  # ~1.3 s
        when = start + timedelta(minutes=37 * i)
        number = f"+1206555{i % 100:02d}{i // 100 % 100:02d}"
        wav = plain / f"{when:%Y-%m-%d %H.%M.%S} {number}.wav"
        _write_wav(wav, pcm)
        mail = EmailMessage()
        mail["From"] = '"PBX" <pbx@example.com>'
        mail["To"] = "you@example.com"
        mail["Subject"] = "PBX Voicemail Notification"
        mail["Date"] = format_datetime(when)
        mail["Message-ID"] = f"<bench-{i}@pbx.example.com>"
        mail.set_content(f'There is a new voicemail in mailbox 6000:\n\n\tFrom:\t"Caller {i}" <{number}>\n'
                         f"\tLength:\t0:01 seconds\n\tDate:\t{when:%A, %B %d, %Y at %I:%M:%S %p}\n")
        mail.add_attachment(wav.read_bytes(), maintype="audio", subtype="x-wav", filename=f"msg{i % 10000:04d}.wav")
        maildir.add(mail)
        mbox.add(mail)
    mbox.flush()
    mbox.close()
    return plain, box, mbox_path


def _walk(folder: Path) -> float:
    t = time.perf_counter()
    with os.scandir(folder) as entries:
        for entry in entries:
            entry.stat()
    return time.perf_counter() - t


def measure(messages: int, repeat: int) -> list[str]:
    from tui.library.scan import scan
    from tui.library.store import Store

    root = Path(tempfile.mkdtemp(prefix="voicemail-mail-bench-"))
    try:
        plain, box, mbox = make(root, messages)
        size_mb = mbox.stat().st_size / 1e6
        imports: dict[str, list[float]] = {"plain": [], "maildir": [], "mbox": []}
        rescans: dict[str, list[float]] = {"maildir": [], "mbox": []}
        walks: list[float] = []
        for run in range(repeat):
            for name, source in (("plain", plain), ("maildir", box), ("mbox", mbox)):
                db = root / f"{name}-{run}" / "library.sqlite3"
                store = Store(db)
                t = time.perf_counter()
                report = scan(store, [source])
                imports[name].append(time.perf_counter() - t)
                if len(report.new) != messages or report.unreadable:
                    raise RuntimeError(f"{name}: {report.summary()} {report.unreadable[:2]}")
                if name in rescans:
                    for _ in range(3):
                        t = time.perf_counter()
                        again = scan(store, [source])
                        rescans[name].append(time.perf_counter() - t)
                        if again.unchanged != messages or again.new:
                            raise RuntimeError(f"{name} rescan: {again.summary()}")
                        walks.append(_walk(box / "new"))
                store.close()
                shutil.rmtree(db.parent)
        rate = {name: messages / median(values) for name, values in imports.items()}
        lines = [
            "| measure | median | anchor (same run) | anchor median | ratio | target | ok |",
            "|---|---|---|---|---|---|---|",
            f"| cold import, plain folder of {messages} WAVs | {rate['plain']:,.0f} files/s | - | - | - | - | - |",
        ]
        for name, label in (("maildir", f"Maildir of {messages} mails"), ("mbox", f"mbox of {messages} mails ({size_mb:.0f} MB)")):
            lines.append(f"| cold import, {label} | {rate[name]:,.0f} mails/s | plain folder, same recordings | "
                         f"{rate['plain']:,.0f} files/s | {rate[name] / rate['plain']:.2f}x | - | - |")
        walk = median(walks)
        for name, label in (("maildir", "Maildir"), ("mbox", "mbox")):
            value = median(rescans[name])
            lines.append(f"| rescan, unchanged {label} of {messages} mails | {value:.3f} s | bare scandir + stat of new/ | "
                         f"{walk:.3f} s | {value / walk:.2f}x | <= {TARGET_RESCAN_S:g} s | "
                         f"{'yes' if value <= TARGET_RESCAN_S else 'NO'} |")
        return lines
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mail")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("\n".join(measure(args.messages, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
