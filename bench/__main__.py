"""python -m bench: every speed figure beside its anchor, measured in the same run.

    .venv/bin/python -m bench                      # 10,000 messages, 5 runs per measure
    .venv/bin/python -m bench --audio              # also key to audio start / seek (bench/audio.py)
    .venv/bin/python -m bench --transcribe         # also the transcription ratio (bench/transcribe.py)
    .venv/bin/python -m bench --messages 200 --repeat 1 --quick   # a smoke run

The data (a folder of N short, distinct generated audio files with JSON sidecars) is made in a
temp dir and cached there between runs ($VOICEMAIL_BENCH_CACHE or $TMPDIR/voicemail-tui-bench).
Prints a table of medians; --markdown prints it for BENCHMARKS.md, --json writes all samples.
Exit status 0 when everything was measured, 1 when a measure failed; a missed target is reported
in the table, not in the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from pathlib import Path

from bench import datagen
from bench.common import REPO, Result, log, machine_line, median, notes, table

SECTIONS = ("scan", "inbox")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m bench", description="voicemail-tui benchmarks: figures beside same-run anchors")
    ap.add_argument("--messages", type=int, default=10_000, help="messages in the generated folder (default 10000)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measure; the table shows medians (default 5)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: fewer keys and ffprobe samples, no warm-up, DataTable floor only")
    ap.add_argument("--only", choices=(*SECTIONS, "audio"), action="append",
                    help="run only this section (repeatable); --only audio: just the audio measures")
    ap.add_argument("--keys", type=int, help="key presses per key run (default 240; 30 with --quick)")
    ap.add_argument("--no-busy", action="store_true", help="skip the key runs under CPU load")
    ap.add_argument("--model", metavar="GGML", help="speech model for key runs while the real transcriber works "
                    "(default: the installed one; without one, only the busy-process stand-in runs)")
    ap.add_argument("--audio", action="store_true", help="also run bench/audio.py's measures (2-minute MP3)")
    ap.add_argument("--transcribe", action="store_true", help="also run bench/transcribe.py when it exists")
    ap.add_argument("--cache", type=Path, help="where generated folders are kept (default: temp dir)")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--json", type=Path, metavar="FILE", help="write every result with its samples to FILE")
    return ap


def _audio(repeat: int, tmp: Path) -> list[Result]:
    """Key to audio start through the file: output, and seek, using bench/audio.py's functions."""
    if importlib.util.find_spec("bench.audio") is None:
        raise RuntimeError("bench/audio.py is not present")
    audio = importlib.import_module("bench.audio")
    mp3 = audio.make_mp3(tmp / "two-minutes.mp3")
    audio.file_output_first_sample(mp3, tmp)  # warm: imports, page cache
    rows: dict[str, list[float]] = {k: [] for k in ("spawn", "decode", "file", "null", "preloaded", "seek+", "seek-")}
    for i in range(repeat):
        log(f"audio: run {i + 1}/{repeat}")
        rows["spawn"].append(audio.anchor_spawn(mp3))
        rows["decode"].append(audio.anchor_decode(mp3))
        rows["file"].append(audio.file_output_first_sample(mp3, tmp))
        rows["null"].append(audio.key_to_first_sample(mp3))
        rows["preloaded"].append(audio.preloaded_key_to_first_sample(mp3))
        rows["seek+"].append(audio.seek_latency(mp3, +5))
        rows["seek-"].append(audio.seek_latency(mp3, -5))
    ms = {k: [v * 1000 for v in vals] for k, vals in rows.items()}
    m = {k: median(v) for k, v in ms.items()}
    log("audio: a 2-hour file")
    mem = audio.long_file_memory(audio.make_long_wav(tmp / "two-hours.wav"))
    grown = mem["hwm_mb"] - mem["rss_before_mb"]
    whole = 7200 * 48000 * 2 / 2**20  # the whole file as the output's PCM (48 kHz mono s16)
    three_min = 180 * 48000 * 2 / 2**20
    return [
        Result("peak RSS playing a 2-hour file", mem["hwm_mb"], "MB", "the whole file as 48 kHz PCM", whole,
               target=f"growth <= 3 min of PCM ({three_min:.0f} MB)", ok=grown <= three_min, runs=1, samples=[grown],
               note=f"VmHWM of a fresh player process: {mem['rss_before_mb']:.1f} MB before load(), peak "
                    f"{mem['hwm_mb']:.1f} MB (+{grown:.2f} MB) while it played, sought to 1 h, went 1.5x, +5 s "
                    "and near the end (bench/audio.py long_file_memory)"),
        Result("key to audio start, 2-min MP3, file: output", m["file"], "ms", "ffmpeg decoding the whole file", m["decode"],
               target="<= 200 ms", ok=m["file"] <= 200, runs=repeat, samples=ms["file"],
               note="load()+play() until the file: output reports played audio (bench/audio.py)"),
        Result("key to audio start, 2-min MP3, file: output", m["file"], "ms", "ffmpeg start to first PCM byte", m["spawn"],
               target="<= 200 ms", ok=m["file"] <= 200, runs=repeat, samples=ms["file"]),
        Result("key to first sample, null output", m["null"], "ms", "ffmpeg start to first PCM byte", m["spawn"],
               runs=repeat, samples=ms["null"]),
        Result("key to first sample, cursor rested first (the app decodes ahead)", m["preloaded"], "ms",
               "ffmpeg start to first PCM byte", m["spawn"], target="<= 200 ms", ok=m["preloaded"] <= 200,
               runs=repeat, samples=ms["preloaded"],
               note="the app load()s the highlighted message after 0.25 s; Enter then only starts the output"),
        Result("seek +5 s to audio, while playing", m["seek+"], "ms", "ffmpeg start to first PCM byte", m["spawn"],
               runs=repeat, samples=ms["seek+"]),
        Result("seek -5 s to audio, while playing", m["seek-"], "ms", "ffmpeg start to first PCM byte", m["spawn"],
               runs=repeat, samples=ms["seek-"]),
    ]


def _transcribe(quick: bool) -> str:
    """bench/transcribe.py belongs to the transcription work: run it as it is and show its output."""
    if not (REPO / "bench" / "transcribe.py").is_file():
        raise RuntimeError("bench/transcribe.py is not present yet")
    proc = subprocess.run([sys.executable, "-m", "bench.transcribe"] + (["--quick"] if quick else []), cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"bench.transcribe exited with {proc.returncode}: {proc.stdout.strip().splitlines()[-1:]}")
    return proc.stdout


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.messages < 10 or args.repeat < 1:
        print("python -m bench: --messages must be at least 10 and --repeat at least 1", file=sys.stderr)
        return 2
    sections = args.only or list(SECTIONS)
    args.audio = args.audio or "audio" in sections
    keys = args.keys or (30 if args.quick else 240)
    results: list[Result] = []
    failures: list[str] = []
    extra_text = ""
    started = time.monotonic()
    data = datagen.dataset(args.messages, root=args.cache, log=log)
    with tempfile.TemporaryDirectory(prefix="voicemail-bench-") as d:
        tmp = Path(d)
        library: Path | None = None
        try:
            from bench import scan as scan_bench

            if "scan" in sections:
                found, library = scan_bench.measure(data.folder, messages=args.messages, repeat=args.repeat,
                                                    tmp=tmp / "scan", sample=10 if args.quick else 100)
                results += found
        except Exception as exc:
            failures.append(f"scan: {exc}")
            traceback.print_exc()
        if "inbox" in sections:
            try:
                if library is None:  # --only inbox: a library made without timing it
                    from tui.library.scan import scan
                    from tui.library.store import Store

                    library = tmp / "library.sqlite3"
                    store = Store(library)
                    scan(store, [data.folder])
                    store.close()
                from bench import inbox

                results += inbox.measure(db=library, source=data.folder, markers=list(data.names), rows=args.messages,
                                         repeat=args.repeat, tmp=tmp / "inbox", keys=keys, busy=not args.no_busy,
                                         kinds=("app", "datatable") if args.quick else inbox.KINDS,
                                         warm_up=not args.quick,
                                         model=None if args.quick else inbox.find_model(args.model))
            except Exception as exc:
                failures.append(f"inbox: {exc}")
                traceback.print_exc()
        if args.audio:
            try:
                results += _audio(args.repeat, tmp)
            except Exception as exc:
                failures.append(f"audio: {exc}")
                traceback.print_exc()
        if args.transcribe:
            try:
                extra_text = _transcribe(args.quick)
            except Exception as exc:
                failures.append(f"transcribe: {exc}")

    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"voicemail-tui benchmarks: {command.strip()}")
    print(machine_line())
    print(f"data: {args.messages} generated messages ({data.wav} WAV + {data.mp3} MP3, 0.2-1 s each, JSON sidecars); "
          f"medians of {args.repeat} run(s); took {time.monotonic() - started:.0f} s")
    print()
    print(table(results, markdown=args.markdown))
    text = notes(results)
    if text:
        print()
        print(text)
    if extra_text:
        print()
        print("transcription (bench/transcribe.py):")
        print(extra_text.rstrip())
    for failure in failures:
        print(f"NOT MEASURED: {failure}")
    if args.json:
        args.json.write_text(json.dumps({
            "command": command.strip(), "machine": machine_line(), "messages": args.messages, "repeat": args.repeat,
            "results": [asdict(r) | {"ratio": r.ratio} for r in results], "failures": failures,
        }, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
