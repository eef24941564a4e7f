"""The evaluation entry point and the held-out set generator."""

import json
import shutil
import wave
from pathlib import Path

import pytest

from bench import extract_eval
from bench.heldout import make
from tests.corpus import samples_dir
from tests.needs import missing

SAMPLES = samples_dir()


def test_heldout_truth_has_the_sample_format_and_is_deterministic(tmp_path):
    make.main(["--out", str(tmp_path / "a"), "--count", "12", "--no-audio"])
    make.main(["--out", str(tmp_path / "b"), "--count", "12", "--no-audio"])
    a = (tmp_path / "a" / "truth.jsonl").read_text()
    assert a == (tmp_path / "b" / "truth.jsonl").read_text()
    rows = [json.loads(line) for line in a.splitlines()]
    assert len(rows) == 12
    dev_keys = set(json.loads((SAMPLES / "truth.jsonl").read_text().splitlines()[0]))
    needed = dev_keys - {"duration_s", "received_at", "received_at_source", "notes"}
    for row in rows:
        assert needed <= set(row), needed - set(row)
        if row["callback_number"]:
            assert row["callback_number"].startswith("+1") and len(row["callback_number"]) == 12
    assert len({r["category"] for r in rows}) >= 4  # varied phrasings


@pytest.mark.slow
def test_heldout_audio_is_phone_band_8k_mono(tmp_path):
    if not (shutil.which("text2wave") and shutil.which("sox") and shutil.which("espeak-ng")):
        missing("festival, espeak-ng and sox")
    make.main(["--out", str(tmp_path), "--count", "4"])
    for row in map(json.loads, (tmp_path / "truth.jsonl").read_text().splitlines()):
        with wave.open(str(tmp_path / row["path"])) as w:
            assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
            assert w.getnframes() / 8000 == pytest.approx(row["duration_s"], abs=0.01)
            assert row["duration_s"] > 3


def test_eval_on_reference_text_prints_every_field_and_the_baseline(capsys):
    assert extract_eval.main(["--set", "dev", "--text", "reference"]) == 0
    out = capsys.readouterr().out
    for field in ("number", "extension", "name", "company", "ask_for", "baseline"):
        assert field in out
    number = next(line for line in out.splitlines() if line.strip().startswith("number"))
    right, total = number.split()[1].split("/")
    assert int(right) >= 0.6 * int(total)
    assert number.split()[3] == "0"  # never confidently wrong on the number


def test_garble_is_deterministic_and_whisper_like():
    text = "Call me at seven two five, five five five, oh one double eight."
    g = extract_eval.garble(text, "X1")
    assert g == extract_eval.garble(text, "X1")
    assert "seven" not in g and any(ch.isdigit() for ch in g)


def test_scoring_rules():
    row = {"callback_number": None, "caller_id_number": "+12065550100", "caller_name": "Rachel Dunmore"}
    assert extract_eval.is_right("number", "+12065550100", row)  # "this number": the caller ID
    assert extract_eval.is_right("number", None, row)
    assert not extract_eval.is_right("number", "+12065550143", row)
    assert extract_eval.is_right("name", "Rachel Dunmoore", row)
    assert not extract_eval.is_right("name", "Rachel", row)
