"""Generate the held-out voicemail set: varied synthetic messages + truth.jsonl.

    python -m bench.heldout.make [--out bench/heldout/data] [--count 28] [--no-audio]

Deterministic (fixed seed): the same script writes the same texts, truth and audio, so the
audio need not be committed. People, companies and numbers are invented; numbers use the
fictional 555-01XX range. Speech: festival (kal, ked, cmu_us_slt_arctic_hts) and espeak-ng
voices, band-limited to telephone bandwidth (300-3400 Hz, 8 kHz mono) with sox.
The phrasings are written independently of the dev samples' words.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import tempfile
from pathlib import Path

SEED = 4242
HERE = Path(__file__).resolve().parent

FIRST = ["Priya", "Tomasz", "Ingrid", "Desmond", "Lucia", "Obinna", "Harriet", "Mateo", "Saoirse",
         "Gregor", "Amara", "Bartholomew", "Noor", "Callum", "Yusuf", "Wilhelmina", "Dmitri",
         "Rosalind", "Kwame", "Esther", "Leopold", "Marisol", "Ansel", "Fiona"]
LAST = ["Okafor", "Lindqvist", "Marchetti", "Haverford", "Nakamura", "Brightwater", "Szymanski",
        "Delgado", "Abernathy", "Kowalczyk", "Thistlewood", "Ramanathan", "Oyelaran", "Fairbairn",
        "Castellano", "Whitcombe", "Vasquez", "Holloway", "Pemberton", "Achterberg"]
COMPANIES = ["Bluefin Logistics", "Harbor Point Dental", "Copperline Staffing", "Northwind Analytics",
             "Maple Ridge Insurance", "Silverbrook Software", "Tidewater Credit Union", "Quarry Lane Builders",
             "Lakeshore Medical Group", "Brassica Foods", "Redwood Talent Partners", "Summit Crest Realty",
             "Ironbark Consulting", "Pinecone Pharmacy", "Westfield Electric"]
AREAS = ["206", "312", "415", "503", "617", "702", "737", "804", "919", "971", "248", "614", "480", "512"]
REQUESTS = [
    ("I'm calling about the data analyst role you applied for", "Call back about the data analyst role."),
    ("I wanted to follow up on the estimate for your kitchen", "Call back about the kitchen estimate."),
    ("I'd like to schedule a second interview with you next week", "Call to schedule a second interview."),
    ("your prescription is ready for pick up", "Pick up the prescription; call with questions."),
    ("I have a question about the invoice we sent last month", "Call about last month's invoice."),
    ("we need to confirm your appointment on Thursday", "Call to confirm Thursday's appointment."),
    ("I wanted to talk to you about a contract position that just opened up", "Call back about a contract position."),
    ("I'm following up on your loan application", "Call back about the loan application."),
]
UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
VOICES = ["festival:kal_diphone", "festival:ked_diphone", "festival:cmu_us_slt_arctic_hts",
          "espeak-ng:en-us", "festival:cmu_us_slt_arctic_hts", "festival:kal_diphone", "espeak-ng:en-gb"]


def say_digits(d: str, rng: random.Random, style: str) -> str:
    """Digits as spoken, in one of a few styles."""
    words = []
    i = 0
    while i < len(d):
        c = d[i]
        if style in ("double", "mixed") and i + 2 < len(d) and d[i] == d[i + 1] == d[i + 2] and style == "mixed":
            words.append("triple " + UNITS[int(c)])
            i += 3
            continue
        if style in ("double", "mixed") and i + 1 < len(d) and d[i] == d[i + 1]:
            words.append("double " + UNITS[int(c)])
            i += 2
            continue
        words.append("oh" if c == "0" and style in ("oh", "mixed", "double") else UNITS[int(c)])
        i += 1
    return " ".join(words)


def say_number(nat: str, rng: random.Random) -> tuple[str, str]:
    """(spoken text, style) for a 10-digit national number."""
    style = rng.choice(["plain", "oh", "double", "mixed", "hundred", "leading1"])
    a, b, c = nat[:3], nat[3:6], nat[6:]
    if style == "hundred" and c.endswith("00"):
        last = ("oh " if c[0] == "0" else UNITS[int(c[0])] + " ") + UNITS[int(c[1])] + " hundred"
        last = last.replace("oh zero hundred", "oh oh hundred")
        return f"{say_digits(a, rng, 'oh')}, {say_digits(b, rng, 'plain')}, {last}", style
    if style == "leading1":
        return f"one, {say_digits(a, rng, 'plain')}, {say_digits(b, rng, 'plain')}, {say_digits(c, rng, 'oh')}", style
    st = "plain" if style == "hundred" else style
    return f"{say_digits(a, rng, st)}, {say_digits(b, rng, st)}, {say_digits(c, rng, st)}", style


def say_ext(ext: str, rng: random.Random) -> str:
    if len(ext) == 3 and ext[1] != "0" and rng.random() < 0.5:
        tens = {"1": ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                      "seventeen", "eighteen", "nineteen"][int(ext[2])]}
        if ext[1] == "1":
            return f"{UNITS[int(ext[0])]} {tens['1']}"
        t = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"][int(ext[1])]
        return f"{UNITS[int(ext[0])]} {t}" + (f" {UNITS[int(ext[2])]}" if ext[2] != "0" else "")
    return " ".join(UNITS[int(c)] for c in ext)


def message(i: int, rng: random.Random) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = rng.choice(COMPANIES)
    req_text, req_truth = rng.choice(REQUESTS)
    area = rng.choice(AREAS)
    main = f"{area}5550100"
    direct = f"{area}5550{rng.randint(101, 199)}"
    kind = rng.choice(["direct", "direct", "same", "twice", "retract", "this_number", "direct_ext", "before_name", "none"])
    caller_id = rng.choice([main, main, direct, None]) if kind != "same" else direct
    if kind == "this_number" and caller_id is None:
        caller_id = direct
    full_name_used = rng.random() < 0.7
    name_spoken = f"{first} {last}" if full_name_used else first
    intro = rng.choice([
        f"this is {name_spoken}", f"my name is {name_spoken}", f"it's {name_spoken}",
        f"{name_spoken} here", f"this is {name_spoken} calling",
    ])
    co_cue = rng.choice(["from", "with", "at", "calling from", "over at"])
    if "calling" in intro and co_cue == "calling from":
        co_cue = "from"
    spell = full_name_used and rng.random() < 0.2
    greet = rng.choice(["Hi Sam, ", "Hello, ", "Hey Sam, ", "Good morning, "])
    parts = [f"{greet}{intro} {co_cue} {company}."]
    if spell:
        parts.append(f"That's {last}, {' '.join(last.upper())}.")
    parts.append(req_text[0].upper() + req_text[1:] + ".")
    number_truth = None
    ext = None
    alt = []
    spoken_nat = direct
    s_num, style = say_number(spoken_nat, rng)
    if kind in ("direct", "twice", "direct_ext", "same", "before_name"):
        number_truth = "+1" + spoken_nat
        lead = rng.choice(["Please call me back at", "You can reach me at", "Give me a call at",
                           "My direct line is", "The best number for me is"])
        if kind == "before_name":
            parts[0] = f"{greet}{s_num}, that's my number, {intro} {co_cue} {company}."
        else:
            parts.append(f"{lead} {s_num}.")
        if kind == "twice":
            parts.append(f"Again, that's {say_number(spoken_nat, rng)[0]}.")
        if kind == "direct_ext":
            ext = str(rng.randint(101, 499)) if rng.random() < 0.7 else str(rng.randint(11, 89))
            parts[-1] = parts[-1][:-1] + f", extension {say_ext(ext, rng)}."
    elif kind == "retract":
        old = f"{area}5550{rng.randint(101, 199)}"
        while old == spoken_nat:
            old = f"{area}5550{rng.randint(101, 199)}"
        number_truth = "+1" + spoken_nat
        alt = ["+1" + old]
        if rng.random() < 0.5:
            parts.append(f"Call me at {s_num}, not my old number {say_number(old, rng)[0]}.")
        else:
            parts.append(f"My old number was {say_number(old, rng)[0]}, but please use {s_num} instead.")
    elif kind == "this_number":
        parts.append(rng.choice(["Call me back at this number.", "You can reach me at this number.",
                                 "Just call me back at this number when you get a chance."]))
    ask_for, explicit = None, False
    callback_asked = kind != "none" or rng.random() < 0.5
    if kind == "none" and callback_asked:
        parts.append("Give me a call when you can.")
    if callback_asked:
        ask_for = name_spoken
        if rng.random() < 0.25:
            colleague = rng.choice(["Priya", "Marcus", "Helen", "Oscar", "Beatrix"])
            if colleague != first:
                parts.append(rng.choice([f"If I'm out, ask for my colleague {colleague}.",
                                         f"When you call, ask for {colleague}."]))
                ask_for, explicit = colleague, True
    parts.append(rng.choice(["Thanks, bye.", "Thank you.", "Talk soon.", "Have a good day."]))
    text = " ".join(parts)
    cnam = rng.choice([f"{last.upper()} {first[0]}"[:15], company.upper()[:15], None, None])
    return {
        "id": f"H{i:02d}", "path": f"audio/H{i:02d}.wav", "sidecar": None, "layout": "plain",
        "format": "wav_pcm16_8k", "category": kind, "caller_name": name_spoken, "company": company,
        "request": req_truth, "callback_number": number_truth, "extension": ext,
        "ask_for": ask_for, "ask_for_explicit": explicit, "alt_numbers": alt,
        "caller_id_number": ("+1" + caller_id) if caller_id else None, "caller_id_name": cnam,
        "transcript_reference": text, "sidecar_transcript": None,
        "voice": VOICES[i % len(VOICES)], "nasty": False, "style": style,
    }


def synth(text: str, voice: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        engine, name = voice.split(":", 1)
        if engine == "festival":
            txt = Path(tmp) / "t.txt"
            txt.write_text(text)
            subprocess.run(["text2wave", "-eval", f"(voice_{name})", str(txt), "-o", str(raw)],
                           check=True, capture_output=True)
        else:
            subprocess.run(["espeak-ng", "-v", name, "-s", "150", "-w", str(raw), text],
                           check=True, capture_output=True)
        # telephone band, 8 kHz mono 16-bit, a short leading silence
        subprocess.run(["sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(out),
                        "sinc", "300-3400", "pad", "0.4", "0.3", "norm", "-3"],
                       check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE / "data"))
    ap.add_argument("--count", type=int, default=28)
    ap.add_argument("--no-audio", action="store_true")
    args = ap.parse_args(argv)
    rng = random.Random(SEED)
    out = Path(args.out)
    (out / "audio").mkdir(parents=True, exist_ok=True)
    rows = [message(i + 1, rng) for i in range(args.count)]
    for row in rows:
        if not args.no_audio:
            wav = out / row["path"]
            if not wav.exists():
                synth(row["transcript_reference"], row["voice"], wav)
            row["duration_s"] = round(_duration(wav), 2)
    with open(out / "truth.jsonl", "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    print(f"wrote {len(rows)} messages to {out}")
    return 0


def _duration(path: Path) -> float:
    import wave
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


if __name__ == "__main__":
    raise SystemExit(main())
