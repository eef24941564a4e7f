"""The benchmark entry point runs end to end on a tiny generated folder (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_generated_folder_is_distinct_and_has_sidecars(tmp_path):
    from bench import datagen
    from tui.library.scan import content_id

    data = datagen.dataset(60, root=tmp_path)
    audio = sorted(p for p in data.folder.iterdir() if p.suffix in (".wav", ".mp3"))
    assert len(audio) == 60 == data.wav + data.mp3
    assert data.mp3 > 0 and data.wav > 0
    ids = {content_id(str(p), p.stat().st_size) for p in audio}
    assert len(ids) == 60  # identical content would collapse into one message
    with wave.open(str(next(p for p in audio if p.suffix == ".wav"))) as w:
        assert 0.2 <= w.getnframes() / w.getframerate() <= 1.0
    sidecars = [json.loads(p.read_text()) for p in data.folder.glob("*.json")]
    assert sidecars and all("caller_id_number" in s for s in sidecars)
    assert data.names and all(isinstance(n, str) and n for n in data.names)
    # cached: a second call finds the same folder without regenerating it
    stamp = audio[0].stat().st_mtime_ns
    again = datagen.dataset(60, root=tmp_path)
    assert again.folder == data.folder and audio[0].stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_entry_point_prints_every_measure_beside_its_anchor(tmp_path):
    out = tmp_path / "results.json"
    env = dict(os.environ, VOICEMAIL_BENCH_CACHE=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--messages", "200", "--repeat", "1", "--quick", "--json", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert any(line.startswith("measure") and "anchor (same run)" in line and "ratio" in line for line in lines)
    assert "NOT MEASURED" not in proc.stdout
    for measure in ("cold import, 200 files", "rescan, unchanged 200-file folder",
                    "inbox ready, 200 messages", "key to screen, idle, p95", "peak RSS of the UI"):
        assert any(line.startswith(measure) for line in lines), measure

    results = json.loads(out.read_text())
    assert results["failures"] == [] and results["messages"] == 200
    by_name = {}
    for r in results["results"]:
        by_name.setdefault(r["measure"], r)
        assert r["value"] > 0 and r["anchor"], r
        assert r["anchor_value"] is not None and r["anchor_value"] > 0, r
        assert r["ratio"] == pytest.approx(r["value"] / r["anchor_value"])
    keys = by_name["key to screen, idle, p95"]
    assert keys["samples"] and keys["target"] == "p95 <= 50 ms"
    rss = next(r for r in results["results"] if r["measure"].startswith("peak RSS"))
    assert 10 < rss["value"] < 2000  # MB: a real process, read from /proc


def test_bad_arguments_are_one_line_errors():
    proc = subprocess.run([sys.executable, "-m", "bench", "--messages", "3"], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "--messages" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_mail_bench_runs_end_to_end():
    """bench/mail.py on 30 mails: every row is there (the measures raise when a scan miscounts)."""
    from bench import mail

    lines = mail.measure(30, 1)
    assert len(lines) == 7
    assert "Maildir of 30 mails" in lines[3] and "mbox of 30 mails" in lines[4]
    assert all(line.count("|") == 8 for line in lines[2:])
