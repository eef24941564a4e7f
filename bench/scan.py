"""Scanning a folder of N messages: cold import and an unchanged rescan, beside one ffprobe per file.

* cold import: an empty library, `tui.library.scan.scan()` over the folder (hash, importer,
  header duration, SQLite writes), in this process. Files/s = N / seconds.
* rescan: the same call again on the unchanged folder (one stat per file, no audio read).
* anchor: `ffprobe` once per file, the naive way to index audio. Timed on an evenly spread
  sample of the folder (WAV and MP3 alike; `sample` files in all, a share per run) and
  extrapolated to N files — said so in the table.
* floor for the rescan: a bare `os.scandir` + `stat` walk of the same folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.common import Result, log, median

TARGET_RESCAN_S = 0.2
TARGET_IMPORT_RATE = 500.0


def audio_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".wav", ".mp3"))


def ffprobe_per_file(files: list[Path], sample: int) -> tuple[float, int]:
    """Mean seconds of one `ffprobe` per file over an evenly spread sample; (mean, sample size)."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        raise RuntimeError("ffprobe not found (apt-get install ffmpeg)")
    step = max(1, len(files) // max(1, sample))
    chosen = files[::step][:sample]
    t = time.perf_counter()
    for path in chosen:
        subprocess.run([ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t) / len(chosen), len(chosen)


def stat_walk(folder: Path) -> float:
    t = time.perf_counter()
    count = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            entry.stat()
            count += 1
    return time.perf_counter() - t


def measure(folder: Path, *, messages: int, repeat: int, tmp: Path, sample: int = 100) -> tuple[list[Result], Path]:
    """Returns the results and a library holding the folder (for the inbox measures)."""
    from tui.library.scan import scan
    from tui.library.store import Store

    tmp.mkdir(parents=True, exist_ok=True)
    files = audio_files(folder)
    imports: list[float] = []
    rescans: list[float] = []
    walks: list[float] = []
    probes: list[float] = []
    sample_size = 0
    library = tmp / "scanned.sqlite3"
    for i in range(repeat):
        log(f"scan: cold import + rescans, run {i + 1}/{repeat}")
        db = tmp / f"cold-{i}.sqlite3"
        t = time.perf_counter()
        store = Store(db)
        report = scan(store, [folder])
        imports.append(time.perf_counter() - t)
        if report.total_seen != messages or report.unreadable:
            raise RuntimeError(f"the cold import saw {report.total_seen} files of {messages}, unreadable: {report.unreadable[:3]}")
        if store.count() != messages:
            raise RuntimeError(f"the library holds {store.count()} messages, expected {messages} (duplicate content?)")
        for _ in range(3):  # the unchanged rescan is short: several per run
            t = time.perf_counter()
            again = scan(store, [folder])
            rescans.append(time.perf_counter() - t)
            if again.new or again.changed or again.moved or again.missing or again.unchanged != messages:
                raise RuntimeError(f"an unchanged rescan reported changes: {again.summary()}")
            walks.append(stat_walk(folder))
        store.close()
        if i == repeat - 1:
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{db}{suffix}").exists():
                    shutil.move(f"{db}{suffix}", f"{library}{suffix}")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        log(f"scan: ffprobe anchor, run {i + 1}/{repeat}")
        per_file, size = ffprobe_per_file(files[i::repeat], max(10, -(-sample // repeat)))
        probes.append(per_file)
        sample_size += size

    probe = median(probes)
    import_s = median(imports)
    rescan_s = median(rescans)
    results = [
        Result(
            f"cold import, {messages} files", messages / import_s, "files/s",
            "ffprobe once per file", 1 / probe,
            target=f">= {TARGET_IMPORT_RATE:g} files/s", ok=messages / import_s >= TARGET_IMPORT_RATE,
            runs=len(imports), samples=[messages / s for s in imports],
            note=f"{import_s:.2f} s for {messages} files; ffprobe timed on {sample_size} files (spread over the runs) and extrapolated "
                 f"({probe * 1000:.1f} ms per file, {probe * messages:.1f} s for {messages})",
        ),
        Result(
            f"rescan, unchanged {messages}-file folder", rescan_s, "s",
            f"ffprobe once per file (extrapolated from {sample_size})", probe * messages,
            target=f"<= {TARGET_RESCAN_S:g} s", ok=rescan_s <= TARGET_RESCAN_S, runs=len(rescans), samples=rescans,
        ),
        Result(
            f"rescan, unchanged {messages}-file folder", rescan_s, "s",
            "bare os.scandir + stat of the folder", median(walks),
            target=f"<= {TARGET_RESCAN_S:g} s", ok=rescan_s <= TARGET_RESCAN_S, runs=len(rescans), samples=rescans,
        ),
    ]
    return results, library
