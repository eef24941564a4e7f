"""Callback extraction, measured: right / confidently wrong / low-confidence per field.

    python -m bench.extract_eval [--set dev|heldout|both] [--text engine|reference|garbled]
                                 [--transcripts FILE.jsonl] [--model auto|PATH] [--threads N]
                                 [--no-redecode] [--without CUE ...] [--verbose]

Sets: dev = ../shared/voicemail-samples (truth.jsonl), heldout = bench/heldout/data (generated
by `python -m bench.heldout.make`; its phrasings are written independently of dev's words).
Text: engine = transcribe the audio with tui.transcribe (the real pipeline, with re-decoding of
a number's span); reference = the exact words spoken; garbled = the reference rewritten the way
small whisper models write phone audio (digit groups, collapsed repeats, split groups, a
misheard digit, names spelled phonetically), deterministic per message; --transcripts = whisper
transcripts saved as JSON lines ({"id", "transcript": {"text", "segments", "words"}}), e.g.
written by bench/fw_transcripts.py until the project's engine is in. --contacts: every caller
is in your contacts (name and company as the truth spells them: the contact cue's upper bound).
--without CUE switches one
confidence cue off (twice, caller_id, one_off, cnam, sidecar, p, repair, redecode) to measure it.
Whom the messages greet ("Hi Sam,") is learned over the whole set, as the app learns it over the
library (`--no-addressee` switches that off).

Scoring: number right when it equals the truth (for a message stating no number, when it is
empty or the caller ID); names, company and ask-for right when they have the truth's word count
and each word matches with similarity >= 0.8; extension exact. Confidently wrong = wrong with
confidence "high". Baseline for the number: calling the caller ID (never warns).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from difflib import SequenceMatcher
from pathlib import Path

from tui.extract import core, extract, extract_from_text
from tui.extract.names import learn_addressee
from tui.library.models import Segment, Transcript, Word

REPO = Path(__file__).resolve().parent.parent
SETS = {"dev": REPO.parent / "shared" / "voicemail-samples", "heldout": REPO / "bench" / "heldout" / "data",
        "natural": REPO / "bench" / "natural" / "data"}
GROUPS = {"both": ["dev", "heldout"], "all": ["dev", "heldout", "natural"]}
MAKE = {"heldout": "python -m bench.heldout.make", "natural": "python -m bench.natural.make"}
FIELDS = ("number", "extension", "name", "company", "ask_for")
TRUTH_KEY = {"number": "callback_number", "extension": "extension", "name": "caller_name",
             "company": "company", "ask_for": "ask_for"}


def load_truth(root: Path, name: str = "") -> list[dict]:
    path = root / "truth.jsonl"
    if not path.exists():
        hint = f" (run: {MAKE[name]})" if name in MAKE else ""
        raise SystemExit(f"no truth file at {path}{hint}")
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in rows if not r.get("nasty") and r.get("format") != "empty"]


def words_match(pred: str | None, truth: str | None) -> bool:
    if not pred or not truth:
        return not pred and not truth
    pw, tw = pred.lower().replace("-", " ").split(), truth.lower().replace("-", " ").split()
    if len(pw) != len(tw):
        return False
    return all(SequenceMatcher(None, a, b).ratio() >= 0.8 for a, b in zip(pw, tw))


def is_right(field: str, pred: str | None, row: dict) -> bool:
    truth = row.get(TRUTH_KEY[field])
    if field == "number":
        if truth is None:
            return pred is None or pred == row.get("caller_id_number")
        return pred == truth
    if field == "extension":
        return (pred or None) == (truth or None)
    return words_match(pred, truth)


# --- whisper-like garbling of reference text -------------------------------------------------

_UNITS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
          "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_SEQ = re.compile(r"\b(?:(?:double|triple|zero|oh|one|two|three|four|five|six|seven|eight|nine)(?:,?\s+|\b))+",
                  re.IGNORECASE)


def _digits_of(words: list[str]) -> str:
    out, i = [], 0
    while i < len(words):
        w = words[i].lower()
        if w in ("double", "triple") and i + 1 < len(words) and words[i + 1].lower() in _UNITS:
            out.append(_UNITS[words[i + 1].lower()] * (2 if w == "double" else 3))
            i += 2
            continue
        if w in _UNITS:
            out.append(_UNITS[w])
        i += 1
    return "".join(out)


def garble(text: str, seed: str) -> str:
    """Rewrite spoken digit runs as whisper tends to, with its typical failures."""
    rng = random.Random(seed)

    def number(m: re.Match) -> str:
        chunk = m.group()
        groups = [g for g in re.split(r",\s*", chunk.strip().rstrip(",")) if g.strip()]
        digs = [_digits_of(g.split()) for g in groups]
        if sum(len(d) for d in digs) < 3:
            return chunk
        r = rng.random()
        if r < 0.25 and any("555" in d for d in digs):  # collapsed repeat
            digs = [d.replace("555", "55", 1) for d in digs]
        elif r < 0.35 and len(digs) >= 3 and len(digs[-1]) == 4:  # split group
            digs[-1:] = [digs[-1][:2], digs[-1][2:3]]
        elif r < 0.45 and len(digs) >= 2:  # one digit misheard
            k = rng.randrange(len(digs))
            if digs[k]:
                j = rng.randrange(len(digs[k]))
                digs[k] = digs[k][:j] + str((int(digs[k][j]) + rng.choice([1, 3, 5])) % 10) + digs[k][j + 1:]
        sep = rng.choice(["-", " ", "-"])
        tail = ", " if chunk.rstrip().endswith(",") else (" " if chunk.endswith(" ") else "")
        return sep.join(d for d in digs if d) + tail

    out = _SEQ.sub(number, text)

    def name(m: re.Match) -> str:
        w = m.group()
        if len(w) < 6 or rng.random() > 0.35:
            return w
        j = rng.randrange(2, len(w) - 1)
        return w[:j] + rng.choice("aeiourlnst") + w[j + 1:]

    return re.sub(r"(?<=[a-z] )[A-Z][a-z]{5,}", name, out)


# --- engine ----------------------------------------------------------------------------------

class _Engine:
    """The project's engine (tui/transcribe/engine.py), with re-decoding of a number's span."""

    PROMPT = "The phone number is"

    def __init__(self, model: str, threads: int):
        try:
            from tui.audio.decode import decode_pcm
            from tui.transcribe.engine import Engine
        except ImportError as exc:
            raise SystemExit(f"the transcription engine is not available ({exc}); "
                             "use --text reference, --text garbled or --transcripts FILE") from None
        self.decode = decode_pcm
        path = model
        if model == "auto":
            try:
                from tui.transcribe import model as model_mod
                path = model_mod.resolve("auto")
            except Exception as exc:  # noqa: BLE001 - any failure means: say which model to use
                raise SystemExit(f"no speech model found ({exc}); pass --model PATH to a ggml file") from None
        self.engine = Engine(str(path), threads=threads, language="en")
        self.redecodes = 0
        self.crashes = 0

    def redecoder(self, audio: Path):
        pcm = self.decode(str(audio))

        def redecode(start: float, end: float) -> str | None:
            self.redecodes += 1
            return self._forked(lambda: self.engine.redecode(pcm, start, end, prompt=self.PROMPT,
                                                              beam_size=5).text)
        return redecode

    def transcribe(self, audio: Path, prompt: str | None = None):
        pcm = self.decode(str(audio))
        tr = self.engine.transcribe(pcm, prompt=prompt)

        def redecode(start: float, end: float) -> str | None:
            self.redecodes += 1
            return self._forked(lambda: self.engine.redecode(pcm, start, end, prompt=self.PROMPT,
                                                              beam_size=5).text)

        return tr, redecode

    def _forked(self, fn) -> str | None:
        """Run fn in a forked copy of this process: whisper.cpp 1.4.1's beam search segfaults on
        some spans (seen on a natural-voice message), which must cost one re-read, not the run.
        The app runs whisper in a child process that it restarts (tui/transcribe/worker.py)."""
        import os
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(r)
            try:
                out = (fn() or "").encode()
            except Exception:  # noqa: BLE001
                out = b""
            os.write(w, out)
            os._exit(0)
        os.close(w)
        chunks = []
        while True:
            b = os.read(r, 65536)
            if not b:
                break
            chunks.append(b)
        os.close(r)
        _, status = os.waitpid(pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            self.crashes += 1
            return None
        return b"".join(chunks).decode() or None


def _transcript_from_json(d: dict) -> Transcript:
    return Transcript(
        text=d.get("text", ""),
        segments=tuple(Segment(s["start"], s["end"], s["text"]) for s in d.get("segments", [])),
        words=tuple(Word(w["start"], w["end"], w["text"], w.get("p", 1.0)) for w in d.get("words", [])),
        model=d.get("model", "saved"),
    )


def _transcript_to_json(tr: Transcript) -> dict:
    return {"text": tr.text, "model": tr.model,
            "segments": [{"start": x.start, "end": x.end, "text": x.text} for x in tr.segments],
            "words": [{"start": w.start, "end": w.end, "text": w.text, "p": w.p} for w in tr.words]}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the forked re-reads)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_set(name: str, rows: list[dict], mode: str, args, engine=None, saved=None) -> dict:
    counts = {f: {"n": 0, "right": 0, "right_high": 0, "wrong_high": 0, "low": 0,
                  "sn": 0, "sright": 0, "swrong_high": 0} for f in FIELDS}
    base = {"n": 0, "right": 0}
    records: list[dict] = []  # one per field with a value: for the reliability table
    seconds = {"audio": 0.0, "work": 0.0}
    # first every message's text (the app learns whom the messages greet from the whole library)
    heard: list[tuple[dict, object, object]] = []  # (row, transcript or text, redecode)
    for row in rows:
        if mode == "reference":
            heard.append((row, row.get("transcript_reference") or "", None))
        elif mode == "garbled":
            heard.append((row, garble(row.get("transcript_reference") or "", row["id"]), None))
        elif mode == "saved":
            if row["id"] not in saved:
                continue
            redecode = None
            if not args.no_redecode:  # re-read spans of the audio: the costly full pass is saved
                redecode = engine.redecoder(SETS[name] / row["path"])
            heard.append((row, saved[row["id"]], redecode))
        else:
            t0 = _cpu()
            prompt = None
            if args.contact_prompt and (row.get("caller_name") or row.get("company")):
                prompt = ", ".join(p for p in (row.get("caller_name"), row.get("company")) if p) + "."
            tr, redecode = engine.transcribe(SETS[name] / row["path"], prompt=prompt)
            if args.save:
                args.save.write(json.dumps({"id": row["id"], "transcript": _transcript_to_json(tr)}) + "\n")
            heard.append((row, tr, None if args.no_redecode else redecode))
            seconds["work"] += _cpu() - t0
            seconds["audio"] += row.get("duration_s") or 0.0
    addressee = frozenset() if args.no_addressee else \
        learn_addressee(h if isinstance(h, str) else h.text for _, h, _ in heard)
    for row, h, redecode in heard:
        kw = dict(caller_number=row.get("caller_id_number"), caller_name=row.get("caller_id_name"),
                  sidecar_transcript=row.get("sidecar_transcript"), region="US", addressee=addressee)
        if args.contacts and (row.get("caller_name") or row.get("company")):
            kw["contact"] = (row.get("caller_name"), row.get("company"))  # every caller in your contacts
        t0 = _cpu()
        ex = extract_from_text(h, **kw) if isinstance(h, str) else extract(h, redecode=redecode, **kw)
        if mode == "engine":
            seconds["work"] += _cpu() - t0
        if row.get("callback_number"):
            base["n"] += 1
            base["right"] += row.get("caller_id_number") == row["callback_number"]
        for f in FIELDS:
            fld = ex.fields[f]
            truth = row.get(TRUTH_KEY[f])
            c = counts[f]
            c["n"] += 1
            ok = is_right(f, fld.value, row)
            c["right"] += ok
            c["right_high"] += ok and fld.confidence == "high"
            c["wrong_high"] += (not ok) and fld.confidence == "high"
            c["low"] += fld.confidence == "low"
            if truth:  # the message states it
                c["sn"] += 1
                c["sright"] += ok
                c["swrong_high"] += (not ok) and fld.confidence == "high"
            if fld.value is not None:
                records.append({"set": name, "id": row["id"], "field": f, "ok": ok,
                                "score": fld.score, "sure": fld.confidence == "high"})
            if args.verbose and (not ok or fld.confidence == "low"):
                mark = "WRONG" if not ok else "right"
                print(f"  {row['id']} {f}: {mark} {fld.value!r} ({fld.confidence}, {fld.score}) want {truth!r}"
                      + (f" [{fld.note}]" if fld.note else ""), file=sys.stderr)
    return {"counts": counts, "baseline": base, "messages": len(rows), "records": records,
            "seconds": seconds}


def report(name: str, mode: str, res: dict) -> None:
    print(f"\n{name} set, text={mode}: {res['messages']} messages")
    print(f"  {'field':<10}{'right':>8}{'sure&right':>12}{'conf.wrong':>12}{'⚠':>6}"
          f"   | where the message states it: right, conf.wrong")
    for f in FIELDS:
        c = res["counts"][f]
        pct = f"{100 * c['sright'] / c['sn']:.0f}%" if c["sn"] else "-"
        print(f"  {f:<10}{c['right']:>4}/{c['n']:<3}{c['right_high']:>12}{c['wrong_high']:>12}{c['low']:>6}"
              f"   | {c['sright']}/{c['sn']} ({pct}), {c['swrong_high']}")
    b = res["baseline"]
    print(f"  baseline (call the caller ID) on the {b['n']} messages that state a number: "
          f"right {b['right']}/{b['n']}, confidently wrong {b['n'] - b['right']} (it never warns)")
    sec = res.get("seconds") or {}
    if sec.get("audio"):
        print(f"  all passes: {sec['work']:.1f} s of CPU for {sec['audio']:.1f} s of audio "
              f"(real-time factor {sec['work'] / sec['audio']:.2f})")


BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01))


def reliability(results: dict[str, dict]) -> str:
    """Score band -> share right, per set (fields that have a value), as a Markdown table."""
    names = list(results)
    head = "| score band | " + " | ".join(names) + " |"
    lines = [head, "|---|" + "---|" * len(names)]
    for lo, hi in BANDS:
        cells = []
        for n in names:
            recs = [r for r in results[n]["records"] if r["score"] is not None and lo <= r["score"] < hi]
            right = sum(r["ok"] for r in recs)
            cells.append(f"{right}/{len(recs)} ({100 * right / len(recs):.0f} %)" if recs else "-")
        label = f"{lo:.2f}–{min(hi, 1.0):.2f}"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    cells = []
    for n in names:
        sure = [r for r in results[n]["records"] if r["sure"]]
        right = sum(r["ok"] for r in sure)
        cells.append(f"{right}/{len(sure)} ({100 * right / len(sure):.0f} %)" if sure else "-")
    lines.append("| **sure** (shown plainly) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def suggest_thresholds(results: dict[str, dict], target: float = 0.97) -> dict[str, tuple]:
    """Per field, the lowest score threshold at which the values scored at or above it are right
    at least `target` of the time on all the sets pooled, with no robotic-voice number (dev,
    heldout) wrong above it: (threshold, sure, right among sure)."""
    out = {}
    for f in FIELDS:
        recs = [r for res in results.values() for r in res["records"] if r["field"] == f and r["score"] is not None]
        best = None
        for t in sorted({r["score"] for r in recs}, reverse=True):
            above = [r for r in recs if r["score"] >= t]
            right = sum(r["ok"] for r in above)
            robotic_wrong = f == "number" and any(not r["ok"] and r["set"] != "natural" for r in above)
            if right / len(above) >= target and not robotic_wrong:
                best = (t, len(above), right)
        out[f] = best
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=["dev", "heldout", "natural", "both", "all"], default="all",
                    help="both = dev + heldout (robotic voices); all = those and natural")
    ap.add_argument("--text", choices=["engine", "reference", "garbled"], default="engine")
    ap.add_argument("--transcripts", action="append", default=[],
                    help="saved whisper transcripts (JSON lines); may be given once per set")
    ap.add_argument("--model", default="auto")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-redecode", action="store_true")
    ap.add_argument("--save", type=argparse.FileType("w"), default=None,
                    help="with --text engine: also write the transcripts (JSON lines) for --transcripts")
    ap.add_argument("--without", action="append", default=[], choices=list(core.CUES),
                    help="switch a cue off to measure what it is worth (repeatable)")
    ap.add_argument("--ids", default="", help="only these message ids (comma-separated)")
    ap.add_argument("--contacts", action="store_true",
                    help="every caller is in your contacts (their name and company as the truth spells them)")
    ap.add_argument("--contact-prompt", action="store_true",
                    help="with --text engine: give whisper the contact's name and company as its initial prompt")
    ap.add_argument("--no-addressee", action="store_true",
                    help="do not learn whom the messages greet (the name never taken for a caller's)")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    core.DISABLED.clear()
    core.DISABLED.update(args.without)
    names = GROUPS.get(args.set, [args.set])
    saved = None
    mode = args.text
    if args.transcripts:
        mode = "saved"
        saved = {}
        for p in args.transcripts:
            for line in Path(p).read_text().splitlines():
                if line.strip():
                    d = json.loads(line)
                    saved[d["id"]] = _transcript_from_json(d["transcript"])
    engine = _Engine(args.model, args.threads) if mode == "engine" or \
        (mode == "saved" and not args.no_redecode) else None
    results: dict[str, dict] = {}
    try:
        for name in names:
            if len(names) > 1 and not (SETS[name] / "truth.jsonl").exists():
                print(f"\n{name} set: not generated (run: {MAKE[name]}); skipped")
                continue
            rows = load_truth(SETS[name], name)
            if args.ids:
                wanted = set(args.ids.split(","))
                rows = [r for r in rows if r["id"] in wanted]
            res = run_set(name, rows, mode, args, engine, saved)
            results[name] = res
            report(name, mode + (f", without {'+'.join(args.without)}" if args.without else "")
                   + (", callers in contacts" if args.contacts else "")
                   + (", contact as whisper prompt" if args.contact_prompt else ""), res)
    finally:
        core.DISABLED.clear()
    print("\nreliability (fields with a value; share right per score band):")
    print(reliability(results))
    from tui.extract import score
    print("\nthresholds in use, and the lowest that keeps sure >= 97 % right on these sets:")
    for f, best in suggest_thresholds(results).items():
        got = f"{best[0]:.3f} ({best[2]}/{best[1]} right)" if best else "none"
        print(f"  {f:<10} in use {score.THRESHOLD[f]:.2f}   lowest safe {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
