#!/usr/bin/env bash
# Regenerate the demo voicemails that `voicemail-tui --demo` opens (assets/demo/).
#
# Usage:  assets/make_demo.sh [OUTPUT_DIR]        (default: assets/demo next to this script)
#
# Needs:  festival with the voices cmu_us_slt_arctic_hts, ked_diphone and kal_diphone
#         (Debian: festival festvox-us-slt-hts festvox-kdlpc16k festvox-kallpc16k),
#         espeak-ng, sox, ffmpeg (with libmp3lame, libopus and the native aac encoder),
#         python3 (standard library only).
#
# Writes: five short synthetic recruiter / hiring-manager voicemails in the "plain" layout,
#         named "YYYY-MM-DD HH.MM.SS +1NNNNNNNNNN.<ext>" (local wall-clock time, America/New_York,
#         and the caller ID), in four formats: .wav (G.711 mu-law, 8 kHz), .mp3, .m4a (AAC, two
#         files) and .ogg (Opus); a .json sidecar (caller_id_number, caller_id_name, received_at)
#         for four of them; and truth.jsonl, one ground-truth object per message in the field
#         layout of the shared voicemail sample corpus (duration_s measured on the written file).
#
# Each message: a short leading beep or silence (like a voicemail system), the speech band-limited
# to telephone bandwidth (300-3400 Hz, 8 kHz mono) and light background noise. All people,
# companies and numbers are invented; numbers are in the fictional range 555-0100..555-0199.
# Output is deterministic for a given set of tool versions (sox -R, ffmpeg bitexact).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/demo}"
for tool in festival text2wave espeak-ng sox ffmpeg python3; do
    command -v "$tool" >/dev/null || { echo "make_demo.sh: $tool is not installed" >&2; exit 1; }
done
voices="$(echo '(print (voice.list))' | festival --pipe)"
for v in cmu_us_slt_arctic_hts ked_diphone kal_diphone; do
    case "$voices" in *"$v"*) ;; *) echo "make_demo.sh: festival voice $v is not installed" >&2; exit 1 ;; esac
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# One object per message: the ground truth (without duration_s, which is measured) plus
# "lead" (beep | silence) and "tempo" (sox tempo factor; < 1 is slower).
cat >"$work/spec.jsonl" <<'EOF'
{"id": "DEMO1", "path": "2026-11-17 10.42.15 +16175550104.wav", "sidecar": "2026-11-17 10.42.15 +16175550104.json", "layout": "plain", "format": "wav_g711_mulaw_8k", "category": "recruiter", "caller_name": "Danielle Okafor", "company": "Bluewater Talent Partners", "request": "Call Danielle on her direct line about a senior backend engineer role with a fintech client.", "callback_number": "+16175550162", "extension": "204", "ask_for": "Danielle Okafor", "ask_for_explicit": false, "alt_numbers": [], "caller_id_number": "+16175550104", "caller_id_name": "BLUEWATER TALNT", "received_at": "2026-11-17T10:42:15-05:00", "received_at_source": "plain json sidecar", "transcript_reference": "Hi Sam, this is Danielle Okafor from Bluewater Talent Partners. I have a senior backend engineer role with a fintech client that looks like a great fit. Our main line shows up on your phone, but please call me directly at six one seven, five five five, oh one six two, extension two oh four. Thanks, talk soon.", "voice": "festival:cmu_us_slt_arctic_hts", "nasty": false, "notes": "direct line and extension differ from the caller ID (the switchboard)", "lead": "beep", "tempo": 0.92}
{"id": "DEMO2", "path": "2026-11-19 14.05.33 +17735550127.m4a", "sidecar": "2026-11-19 14.05.33 +17735550127.json", "layout": "plain", "format": "m4a_aac", "category": "hiring_manager", "caller_name": "Marcus Lindqvist", "company": "Harborlight Health", "request": "Call Marcus back at the number he called from to set up a second interview.", "callback_number": null, "extension": null, "ask_for": "Marcus Lindqvist", "ask_for_explicit": false, "alt_numbers": [], "caller_id_number": "+17735550127", "caller_id_name": "HARBORLIGHT HLT", "received_at": "2026-11-19T14:05:33-05:00", "received_at_source": "plain json sidecar", "transcript_reference": "Hello Sam, Marcus Lindqvist here, I am the engineering manager at Harborlight Health. I really enjoyed our conversation on Tuesday, and I would like to set up a second interview with the team. Just call me back at this number when you get a chance. Thanks.", "voice": "festival:kal_diphone", "nasty": false, "notes": "no number said ('call me back at this number'): the caller ID is the way back", "lead": "silence", "tempo": 0.95}
{"id": "DEMO3", "path": "2026-11-21 09.18.02 +15125550111.mp3", "sidecar": null, "layout": "plain", "format": "mp3", "category": "recruiter", "caller_name": "Tom Reyes", "company": "Cedar Ridge Consulting", "request": "Call back and ask for Priya about the product analyst position.", "callback_number": "+15125550188", "extension": null, "ask_for": "Priya", "ask_for_explicit": true, "alt_numbers": [], "caller_id_number": "+15125550111", "caller_id_name": null, "received_at": "2026-11-21T09:18:02-05:00", "received_at_source": "plain file name (local time, America/New_York)", "transcript_reference": "Hi Sam, it's Tom Reyes with Cedar Ridge Consulting, following up on the product analyst position. I am travelling next week, so when you call back, please ask for my colleague Priya. She has all the details. The number is five one two, five five five, oh one eight eight. Thanks a lot.", "voice": "festival:ked_diphone", "nasty": false, "notes": "ask for a colleague, not the caller; no sidecar, caller ID only in the file name", "lead": "beep", "tempo": 0.95}
{"id": "DEMO4", "path": "2026-11-23 16.37.50 +14155550132.m4a", "sidecar": "2026-11-23 16.37.50 +14155550132.json", "layout": "plain", "format": "m4a_aac", "category": "recruiter", "caller_name": "Gwen Hollis", "company": "Northgate Search Group", "request": "Call Gwen about a data engineering lead position with one of her clients.", "callback_number": "+14155550132", "extension": null, "ask_for": "Gwen Hollis", "ask_for_explicit": false, "alt_numbers": [], "caller_id_number": "+14155550132", "caller_id_name": "NORTHGATE SRCH", "received_at": "2026-11-23T16:37:50-05:00", "received_at_source": "plain json sidecar", "transcript_reference": "Good afternoon Sam, this is Gwen Hollis at Northgate Search Group. I am calling about a data engineering lead position with one of our clients. My number is four one five, five five five, oh one three two. Again, that's four one five, five five five, oh one three two. Have a great day.", "voice": "festival:cmu_us_slt_arctic_hts", "nasty": false, "notes": "number said twice; it is the same as the caller ID", "lead": "silence", "tempo": 0.92}
{"id": "DEMO5", "path": "2026-11-25 11.02.40 +13125550146.ogg", "sidecar": "2026-11-25 11.02.40 +13125550146.json", "layout": "plain", "format": "ogg_opus", "category": "interview_confirmation", "caller_name": "Elena Marsh", "company": "Brightline Robotics", "request": "No call back needed: Elena confirms the panel interview on Thursday afternoon and will email the details.", "callback_number": null, "extension": null, "ask_for": null, "ask_for_explicit": false, "alt_numbers": [], "caller_id_number": "+13125550146", "caller_id_name": "BRIGHTLINE ROBO", "received_at": "2026-11-25T11:02:40-05:00", "received_at_source": "plain json sidecar", "transcript_reference": "Hi Sam, this is Elena Marsh from the recruiting team at Brightline Robotics. I just wanted to confirm your panel interview on Thursday afternoon. I will email you the details and the video link. There is no need to call me back. Bye.", "voice": "espeak-ng:en-us", "nasty": false, "notes": "no number and no call back wanted", "lead": "beep", "tempo": 1.0}
EOF

# Leading beep (0.3 s silence, 0.4 s 1 kHz tone, 0.5 s silence) or plain silence (1 s).
sox -R -n -r 8000 -c 1 -b 16 "$work/beep.wav" synth 0.4 sine 1000 vol 0.25 pad 0.3 0.5
sox -R -n -r 8000 -c 1 -b 16 "$work/silence.wav" trim 0 1.0
sox -R -n -r 8000 -c 1 -b 16 "$work/tail.wav" trim 0 0.7

python3 - "$work/spec.jsonl" >"$work/jobs.tsv" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    print("\t".join([m["id"], m["path"], m["format"], m["voice"], m["lead"], str(m["tempo"]),
                     m["transcript_reference"]]))
EOF

while IFS=$'\t' read -r id path format voice lead tempo text; do
    printf '%s\n' "$text" >"$work/$id.txt"
    case "$voice" in
        festival:*) text2wave -eval "(voice_${voice#festival:})" -o "$work/$id.tts.wav" "$work/$id.txt" ;;
        espeak-ng:*) espeak-ng -v "${voice#espeak-ng:}" -s 140 -w "$work/$id.tts.wav" -f "$work/$id.txt" ;;
        *) echo "make_demo.sh: unknown voice $voice" >&2; exit 1 ;;
    esac
    # Telephone channel: slower if asked, 300-3400 Hz, 8 kHz mono 16-bit, peak -3 dBFS.
    sox -R "$work/$id.tts.wav" -c 1 -b 16 "$work/$id.speech.wav" \
        gain -n -6 tempo -s "$tempo" rate -v 8000 sinc -a 80 -t 100 300-3400 norm -3
    sox -R "$work/$lead.wav" "$work/$id.speech.wav" "$work/tail.wav" "$work/$id.joined.wav"
    seconds="$(sox --i -D "$work/$id.joined.wav")"
    # Light line noise, band-limited like the speech (about -45 dBFS).
    sox -R -n -r 8000 -c 1 -b 16 "$work/$id.noise.wav" synth "$seconds" whitenoise vol 0.006 sinc 300-3400
    sox -R -m -v 1 "$work/$id.joined.wav" -v 1 "$work/$id.noise.wav" -b 16 "$work/$id.line.wav"
    case "$format" in
        wav_g711_mulaw_8k) codec=(-c:a pcm_mulaw) ;;
        mp3) codec=(-c:a libmp3lame -b:a 16k) ;;
        m4a_aac) codec=(-c:a aac -b:a 24k) ;;
        ogg_opus) codec=(-c:a libopus -b:a 16k -application voip) ;;
        *) echo "make_demo.sh: unknown format $format" >&2; exit 1 ;;
    esac
    rm -f "$out/$path"
    ffmpeg -nostdin -hide_banner -loglevel error -i "$work/$id.line.wav" -map_metadata -1 \
        -ar 8000 -ac 1 "${codec[@]}" -fflags +bitexact -flags:a +bitexact "$out/$path"
    echo "make_demo.sh: wrote $out/$path" >&2
done <"$work/jobs.tsv"

# Sidecars and truth.jsonl; duration_s is the decoded length of the written file.
python3 - "$work/spec.jsonl" "$out" <<'EOF'
import json, os, subprocess, sys
spec, out = sys.argv[1], sys.argv[2]
rows = []
for line in open(spec, encoding="utf-8"):
    m = json.loads(line)
    m.pop("lead"); m.pop("tempo")
    pcm = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", os.path.join(out, m["path"]),
                          "-f", "s16le", "-ac", "1", "-ar", "16000", "-"],
                         check=True, capture_output=True).stdout
    truth = {}
    for key, value in m.items():
        if key == "voice":
            truth["duration_s"] = round(len(pcm) / 2 / 16000, 2)
        truth[key] = value
    rows.append(truth)
    sidecar = os.path.join(out, os.path.splitext(m["path"])[0] + ".json")
    if m["sidecar"]:
        with open(sidecar, "w", encoding="utf-8") as f:
            json.dump({k: m[k] for k in ("caller_id_number", "caller_id_name", "received_at")}, f, indent=2)
            f.write("\n")
    elif os.path.exists(sidecar):
        os.remove(sidecar)
with open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as f:
    for row in rows:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
EOF
echo "make_demo.sh: wrote $out/truth.jsonl" >&2
