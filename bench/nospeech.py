"""Invented words on no-speech audio, and WER on the spoken samples: the engine as the app runs it.

    .venv/bin/python -m bench.nospeech                        # installed tiny.en and base models
    .venv/bin/python -m bench.nospeech --models tiny.en-q8_0 --show-text

No-speech clips: bench/noiseclips.py's (line noise, clicks, hum, breathing, dial and busy tones,
hold music, a hang-up, near silence; 8 kHz mu-law through ffmpeg) and the sample corpus's own
hang-up (truth rows without a reference transcript). A word shown for any of them is invented.
Spoken clips: every sample with `transcript_reference` (WER as bench/transcribe.py computes it).
One run per clip (the numbers here are counts, not timings; the seconds are for scale only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = (REPO.parent / "shared" / "voicemail-samples").resolve()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.nospeech", description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="tiny.en-q8_0,base-q8_0", help="ggml names in the model folder, or paths")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--show-text", action="store_true")
    ap.add_argument("--no-spoken", action="store_true", help="only the no-speech clips")
    ap.add_argument("--no-vad", action="store_true", help="without the voice-activity check (Whisper's own scores only)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from tui.transcribe import default_threads

    threads = args.threads or default_threads()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    from bench import noiseclips
    from bench.transcribe import edit_distance, normalize
    from tui import paths
    from tui.audio.decode import decode_pcm
    from tui.transcribe.engine import Engine

    rows = [json.loads(line) for line in (SAMPLES / "truth.jsonl").read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r.get("format") != "empty" and not r.get("nasty")]
    clip_dir = Path(tempfile.mkdtemp(prefix="nospeech-"))
    silent = {name: decode_pcm(str(path)) for name, path in noiseclips.write_all(clip_dir).items()}
    for r in rows:
        if not r.get("transcript_reference"):
            silent[f"sample {r['id']}"] = decode_pcm(str(SAMPLES / r["path"]))
    spoken = {} if args.no_spoken else {
        r["id"]: (decode_pcm(str(SAMPLES / r["path"])), normalize(r["transcript_reference"]))
        for r in rows if r.get("transcript_reference")
    }
    log = open(clip_dir / "whisper.log", "ab")  # noqa: SIM115
    saved = os.dup(2)
    status = 0
    try:
        for name in [m for m in args.models.split(",") if m]:
            path = Path(name) if "/" in name else paths.model_dir() / f"ggml-{name}.bin"
            os.dup2(log.fileno(), 2)
            engine = Engine(path, threads=threads, language="en", vad=not args.no_vad)
            os.dup2(saved, 2)
            print(f"\n== {engine.model_name}: {threads} thread(s)")
            invented = 0
            print(f"{'no-speech clip':18} {'dur':>5} {'words':>5} {'speech':>6} {'s':>5}")
            for clip, pcm in silent.items():
                os.dup2(log.fileno(), 2)
                t = time.perf_counter()
                tr = engine.transcribe(pcm)
                dt = time.perf_counter() - t
                os.dup2(saved, 2)
                words = len(tr.text.split())
                invented += words
                print(f"{clip:18} {pcm.size / 16000:5.1f} {words:5d} {str(getattr(tr, 'speech', '-')):>6} {dt:5.2f}")
                if args.show_text and tr.text:
                    print(f"      {tr.text!r}")
            print(f"invented words on {len(silent)} no-speech clips: {invented}")
            if spoken:
                edits = nref = 0
                print(f"{'spoken clip':18} {'dur':>5} {'WER':>5} {'s':>5}")
                for rid, (pcm, ref) in spoken.items():
                    os.dup2(log.fileno(), 2)
                    t = time.perf_counter()
                    tr = engine.transcribe(pcm)
                    dt = time.perf_counter() - t
                    os.dup2(saved, 2)
                    e = edit_distance(ref, normalize(tr.text))
                    edits += e
                    nref += len(ref)
                    print(f"{rid:18} {pcm.size / 16000:5.1f} {e / max(1, len(ref)):5.2f} {dt:5.2f}")
                    if args.show_text:
                        print(f"      {tr.text!r}")
                print(f"WER on {len(spoken)} spoken samples: {edits / max(1, nref):.3f} ({edits} edits / {nref} words)")
            engine.close()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        log.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
