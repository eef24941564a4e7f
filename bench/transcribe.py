"""Transcription speed and accuracy: this project's whisper.cpp engine vs faster-whisper int8.

    .venv/bin/python -m bench.transcribe                    # tiny.en, every sample clip, 1 run
    .venv/bin/python -m bench.transcribe --models tiny.en,base --threads 1 --repeat 3
    .venv/bin/python -m bench.transcribe --quick            # three clips, default variant only

Both engines get the same decoded 16 kHz float32 samples, the same weights (faster-whisper
loads the CTranslate2 directory the ggml file is converted from), the same thread count, greedy
decoding at temperature 0 with no previous-text conditioning, and run interleaved clip by clip
in the same process, so a busy machine slows both alike. Per clip and overall: time ratio
(ours / faster-whisper; target <= 1.0), word error rate against `transcript_reference` in
truth.jsonl, and whether the callback number's ten digits appear in the transcript.

Variants of ours (--variants): FTYPE/MEL/CTX, e.g. q8_0/numpy/auto, f16/whisper/full
  FTYPE f16 | q8_0; MEL numpy (our log-mel, handed over before the first encode) | whisper
  (whisper.cpp 1.4.1's own); CTX auto (encoder window sized to the clip) | full (30 s) | N.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = (REPO.parent / "shared" / "voicemail-samples").resolve()
DEFAULT_VARIANTS = "q8_0/numpy/auto,q8_0/numpy/full,f16/numpy/full,f16/whisper/full"

_DIGIT_WORDS = "zero one two three four five six seven eight nine".split()


def normalize(text: str) -> list[str]:
    """Lower-case words without punctuation; digits spelled one by one; "oh" read as zero."""
    text = text.lower().replace("-", " ")
    text = re.sub(r"\d", lambda m: f" {_DIGIT_WORDS[int(m.group())]} ", text)
    words = re.sub(r"[^a-z' ]+", " ", text).split()
    return ["zero" if w == "oh" else w.strip("'") for w in words if w.strip("'")]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def digits_found(row: dict, text: str) -> bool | None:
    number = row.get("callback_number")
    if not number:
        return None
    return number[-10:] in re.sub(r"\D", "", text)


def ct2_dir(name: str, cache: Path) -> Path:
    """The CTranslate2 directory faster-whisper loads for `name` (base: the two parts joined once)."""
    from tui.transcribe import model as models

    spec = models.get_spec(name)
    parts, vocabulary = models.verified_sources(spec)
    if len(parts) == 1:
        return parts[0].parent
    target = cache / f"ct2-{name}"
    if not (target / "model.bin").is_file():
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / "model.bin.part"
        with open(tmp, "wb") as out:
            for p in parts:
                with open(p, "rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 22)
        for extra in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copy(vocabulary.parent / extra, target / extra)
        os.replace(tmp, target / "model.bin")
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.transcribe", description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="tiny.en", help="comma-separated: tiny.en,base")
    ap.add_argument("--variants", default=DEFAULT_VARIANTS)
    ap.add_argument("--threads", type=int, default=None, help="default: the app's (cores - 1, at least 1)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per clip and engine (median)")
    ap.add_argument("--clips", default="", help="comma-separated truth ids (default: every clip with audio)")
    ap.add_argument("--quick", action="store_true", help="three clips, the default variant only")
    ap.add_argument("--json", type=Path, help="write every measurement here")
    ap.add_argument("--show-text", action="store_true")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from tui.transcribe import default_threads

    threads = args.threads or default_threads()
    # numpy's OpenBLAS (the log-mel) and whisper.cpp's read this as they load (so before numpy is
    # imported): the engine gets the threads it is given, as in the app's worker, not one per core.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    from faster_whisper import WhisperModel

    from tui.audio.decode import decode_pcm
    from tui.transcribe import model as models
    from tui.transcribe.engine import Engine
    variants = ["q8_0/numpy/auto"] if args.quick else [v for v in args.variants.split(",") if v]
    rows = [json.loads(line) for line in (SAMPLES / "truth.jsonl").read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r.get("format") != "empty" and r.get("transcript_reference")]
    if args.clips:
        wanted = args.clips.split(",")
        rows = [r for r in rows if r["id"] in wanted]
    elif args.quick:
        rows = rows[:3]
    audio = {r["id"]: decode_pcm(str(SAMPLES / r["path"])) for r in rows}
    cache = Path(os.environ.get("VOICEMAIL_BENCH_CACHE", Path(tempfile.gettempdir()) / "voicemail-tui-bench"))
    cache.mkdir(parents=True, exist_ok=True)

    print(f"transcription bench: {len(rows)} clips, {sum(len(a) for a in audio.values()) / 16000:.0f} s of audio, "
          f"{threads} thread(s), {os.cpu_count()} cores, repeat {args.repeat}")
    # whisper.cpp prints to fd 2 on every load: keep the report readable.
    log_path = cache / "bench-transcribe.log"
    saved_fd2 = os.dup(2)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    everything: dict = {"threads": threads, "models": {}}
    status = 0
    try:
        for name in [m for m in args.models.split(",") if m]:
            os.dup2(log_fd, 2)
            fw = WhisperModel(str(ct2_dir(name, cache)), device="cpu", compute_type="int8", cpu_threads=threads)
            engines = {}
            for v in variants:
                ftype, mel, ctx = v.split("/")
                path = models.install(name, cache / "models", ftype=ftype)
                engines[v] = Engine(path, threads=threads, language="en", audio_ctx=ctx if ctx in ("auto", "full") else int(ctx),
                                    numpy_mel=(mel == "numpy"))
            os.dup2(saved_fd2, 2)
            times: dict[str, dict[str, float]] = {"faster-whisper": {}, **{v: {} for v in variants}}
            texts: dict[str, dict[str, str]] = {k: {} for k in times}
            for r in rows:
                pcm = audio[r["id"]]
                samples: dict[str, list[float]] = {k: [] for k in times}
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    segs, _info = fw.transcribe(pcm, beam_size=1, temperature=0.0, language="en",
                                                condition_on_previous_text=False, vad_filter=False)
                    text = " ".join(s.text.strip() for s in segs)
                    samples["faster-whisper"].append(time.perf_counter() - t)
                    texts["faster-whisper"][r["id"]] = text
                    os.dup2(log_fd, 2)
                    for v, engine in engines.items():
                        t = time.perf_counter()
                        tr = engine.transcribe(pcm)
                        samples[v].append(time.perf_counter() - t)
                        texts[v][r["id"]] = tr.text
                    os.dup2(saved_fd2, 2)
                for k in times:
                    times[k][r["id"]] = statistics.median(samples[k])
            for engine in engines.values():
                engine.close()
            status |= report(name, rows, audio, times, texts, variants, args.show_text)
            everything["models"][name] = {"times": times, "texts": texts}
    finally:
        os.dup2(saved_fd2, 2)
        os.close(log_fd)
        os.close(saved_fd2)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2))
    return status


def report(name, rows, audio, times, texts, variants, show_text) -> int:
    anchor = "faster-whisper"
    print(f"\n== {name}: time in s (ratio = ours / faster-whisper int8), WER vs transcript_reference, number = 10 digits heard")
    head = f"{'clip':5} {'dur':>5} | {'fw int8':>7} {'WER':>5} {'num':>3}"
    for v in variants:
        head += f" | {v:>17} {'ratio':>5} {'WER':>5} {'num':>3}"
    print(head)
    refs = {r["id"]: normalize(r["transcript_reference"]) for r in rows}
    totals = {k: [0.0, 0, 0, 0] for k in [anchor, *variants]}  # time, edits, numbers found, numbers total
    nref = sum(len(v) for v in refs.values())
    for r in rows:
        rid = r["id"]
        line = f"{rid:5} {len(audio[rid]) / 16000:5.1f}"
        for k in [anchor, *variants]:
            edits = edit_distance(refs[rid], normalize(texts[k][rid]))
            found = digits_found(r, texts[k][rid])
            tot = totals[k]
            tot[0] += times[k][rid]
            tot[1] += edits
            if found is not None:
                tot[3] += 1
                tot[2] += int(found)
            mark = "-" if found is None else ("yes" if found else "no")
            wer = edits / max(1, len(refs[rid]))
            if k == anchor:
                line += f" | {times[k][rid]:7.2f} {wer:5.2f} {mark:>3}"
            else:
                line += f" | {times[k][rid]:17.2f} {times[k][rid] / times[anchor][rid]:5.2f} {wer:5.2f} {mark:>3}"
        print(line)
        if show_text:
            for k in [anchor, *variants]:
                print(f"      {k}: {texts[k][rid]}")
    line = f"{'all':5} {sum(len(a) for a in audio.values()) / 16000:5.0f}"
    for k in [anchor, *variants]:
        t, e, f, n = totals[k]
        if k == anchor:
            line += f" | {t:7.2f} {e / nref:5.2f} {f:>1}/{n}"
        else:
            line += f" | {t:17.2f} {t / totals[anchor][0]:5.2f} {e / nref:5.2f} {f:>1}/{n}"
    print(line)
    best = min(variants, key=lambda v: totals[v][0])
    ratio = totals[best][0] / totals[anchor][0]
    print(f"fastest variant {best}: overall ratio {ratio:.2f} (target <= 1.0), "
          f"WER {totals[best][1] / nref:.3f} vs {totals[anchor][1] / nref:.3f} for faster-whisper")
    return 0


if __name__ == "__main__":
    sys.exit(main())
