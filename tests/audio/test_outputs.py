"""Output specs, the null clock, the demo fallback and fd-2 redirection."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import wave
from pathlib import Path

import pytest
from audio_testlib import REPO

from tui.audio.outputs import FileOutput, NullOutput, OutputUnavailable, open_output


def test_null_output_plays_in_real_time_and_counts_only_what_was_written():
    out = NullOutput(rate=8000, buffer_ms=200)
    out.start()
    assert out.free_frames() == 1600
    out.write(b"\x00\x01" * 800)  # 0.1 s
    assert out.free_frames() <= 800
    time.sleep(0.25)
    # 0.25 s passed but only 0.1 s was written: an underrun plays nothing
    assert out.played_frames() == 800
    assert out.finished()
    out.write(b"\x00\x01" * 8000)  # 1 s more, stop at once
    assert out.stop() < 8000 + 800


def test_file_output_is_written_only_at_close(tmp_path):
    target = tmp_path / "x.wav"
    out = open_output(f"file:{target}")
    assert isinstance(out, FileOutput) and out.silent
    out.start()
    out.write(b"\x10\x00" * 2400)
    while not out.finished():
        time.sleep(0.01)
    out.stop()
    assert not target.exists()
    out.close()
    with wave.open(str(target)) as w:
        assert w.getnframes() == 2400 and w.getframerate() == out.rate
    assert [p.name for p in tmp_path.iterdir()] == ["x.wav"]  # no temporary left behind


@pytest.mark.parametrize(
    "spec, words",
    [
        ("speakers", "unknown audio output"),
        ("file:", "needs a path"),
        ("file:/tmp/played.mp3", "must be a .wav path"),
        ("file:/nonexistent-dir/x.wav", "does not exist"),
    ],
)
def test_bad_specs_raise_one_sentence(spec, words):
    with pytest.raises(OutputUnavailable) as info:
        open_output(spec)
    assert words in str(info.value) and "\n" not in str(info.value)


def _has_sound_card() -> bool:
    try:
        return "no soundcards" not in Path("/proc/asound/cards").read_text()
    except OSError:
        return False


def test_auto_without_any_server_never_falls_back_silently(tmp_path, monkeypatch):
    if _has_sound_card():
        pytest.skip("this machine has a sound card: auto would rightly use it")
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/.pulse-laptop.sock")
    with pytest.raises(OutputUnavailable) as info:
        open_output("auto", probe_timeout_s=2)
    assert str(info.value).startswith("No sound device or server: ")
    demo = open_output("auto", allow_null_fallback=True, probe_timeout_s=2)
    assert isinstance(demo, NullOutput) and demo.silent
    assert demo.reason.startswith("No sound device or server: ")


@pytest.mark.pulse
def test_auto_picks_a_real_output_when_a_server_runs(pulse_server):
    out = open_output("auto")
    try:
        assert out.name in ("sounddevice", "pacat") and not out.silent and out.reason is None
    finally:
        out.close()


def test_tunnel_gets_a_bigger_buffer(monkeypatch):
    monkeypatch.setenv("PULSE_SERVER", "unix:/home/you/.pulse-laptop.sock")
    assert open_output("pacat").buffer_ms == 500
    monkeypatch.delenv("PULSE_SERVER")
    assert open_output("pacat").buffer_ms == 100
    assert open_output("pacat", buffer_ms=250).buffer_ms == 250


def test_native_stderr_goes_to_the_log_and_ours_to_the_terminal(tmp_path):
    log = tmp_path / "state" / "app.log"
    code = textwrap.dedent(
        f"""
        import os, sys
        from tui.audio.outputs import redirect_native_stderr
        handle = redirect_native_stderr({str(log)!r})
        os.write(2, b"ALSA lib pcm.c: noise from C\\n")
        print("our own message", file=sys.stderr)
        """
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "our own message" in r.stderr and "noise from C" not in r.stderr
    assert "noise from C" in log.read_text() and "our own message" not in log.read_text()
