"""Asterisk's raw formats, made by the real ffmpeg, read back through the one table
(tui.audio.formats) by whole-file decode, the streaming decoder and the header duration.

A wrong sample rate would play the tone at the wrong pitch and length: each test checks the
decoded tone's frequency and length, not just that ffmpeg exited 0.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from tests.corpus import PEER_FIXTURES
from tui.audio import formats
from tui.audio.decode import decode_pcm
from tui.audio.stream import DecodeStream
from tui.library.header import HeaderError, probe_duration
from tui.library.models import State
from tui.library.scan import scan

PEER = PEER_FIXTURES  # ../shared/peer-fixtures (tests/corpus.py); required, never skipped
TESTSUITE_TXT = PEER / "asterisk" / "asterisk-testsuite__voicemail_py__create_dummy_voicemail__Urgent.txt"

FREQ = 440
SECONDS = 1.5

# suffix -> (ffmpeg output args, source rate)
MAKE = {
    ".ulaw": (["-f", "mulaw", "-ar", "8000"], 8000),
    ".alaw": (["-f", "alaw", "-ar", "8000"], 8000),
    ".sln": (["-f", "s16le", "-ar", "8000"], 8000),
    ".sln16": (["-f", "s16le", "-ar", "16000"], 16000),
    ".g722": (["-c:a", "g722", "-f", "g722", "-ar", "16000"], 16000),
    ".gsm": (["-c:a", "gsm", "-f", "gsm", "-ar", "8000"], 8000),
    ".WAV": (["-c:a", "gsm_ms", "-f", "wav", "-ar", "8000"], 8000),  # wav49
}


def make(path: Path, suffix: str, seconds: float = SECONDS, freq: int = FREQ) -> Path:
    args, rate = MAKE[suffix]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency={freq}:sample_rate={rate}:duration={seconds}", "-ac", "1", *args, str(path)],
        check=True,
    )
    return path


def peak_hz(samples: np.ndarray, rate: int = 16000) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.argmax(spectrum) * rate / samples.size)


@pytest.mark.parametrize("suffix", sorted(MAKE))
def test_raw_formats_decode_at_their_rate(tmp_path, suffix):
    path = make(tmp_path / f"msg0000{suffix}", suffix)
    samples = decode_pcm(str(path))
    assert samples.size / 16000 == pytest.approx(SECONDS, abs=0.05)
    assert peak_hz(samples) == pytest.approx(FREQ, abs=8)
    assert probe_duration(path) == pytest.approx(SECONDS, abs=0.03)
    self_describing = suffix == ".WAV"
    assert (formats.input_args(path) == []) is self_describing


@pytest.mark.parametrize("suffix", [".ulaw", ".g722", ".sln16"])
def test_streaming_decoder_reads_raw_formats(tmp_path, suffix):
    path = make(tmp_path / f"msg0000{suffix}", suffix)
    chunks = []
    with DecodeStream(path, rate=16000, sample_format="s16le") as stream:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            chunk = stream.read()
            if chunk is None:
                break
            chunks.append(chunk)
            if not chunk:
                time.sleep(0.01)
        assert stream.error is None
        assert stream.wait_duration(1.0) == pytest.approx(SECONDS, abs=0.05)
    samples = np.frombuffer(b"".join(chunks), dtype="<i2").astype(np.float32) / 32768
    assert samples.size / 16000 == pytest.approx(SECONDS, abs=0.05)
    assert peak_hz(samples) == pytest.approx(FREQ, abs=8)


def test_the_table(tmp_path):
    assert formats.input_args("a.sln") == ["-f", "s16le", "-ar", "8000", "-ac", "1"]
    assert formats.input_args("a.sln16") == ["-f", "s16le", "-ar", "16000", "-ac", "1"]
    assert formats.input_args("a.alaw") == ["-f", "alaw", "-ar", "8000", "-ac", "1"]
    assert formats.input_args("a.g722") == ["-f", "g722"]
    assert formats.input_args("a.mp3") == []
    # A headerless .wav is mu-law only where Asterisk wrote it (msgNNNN beside its .txt).
    raw = make(tmp_path / "x.ulaw", ".ulaw").read_bytes()
    (tmp_path / "msg0001.wav").write_bytes(raw)
    (tmp_path / "other.wav").write_bytes(raw)
    assert formats.input_args(tmp_path / "msg0001.wav") == []
    (tmp_path / "msg0001.txt").write_text("[message]\n")
    assert formats.input_args(tmp_path / "msg0001.wav") == ["-f", "mulaw", "-ar", "8000", "-ac", "1"]
    assert formats.input_args(tmp_path / "other.wav") == []
    with pytest.raises(HeaderError):
        probe_duration(tmp_path / "other.wav")
    (tmp_path / "msg0002.txt").write_text("[message]\n")
    (tmp_path / "msg0002.wav").write_bytes(b"some-wav-data-4\n")  # wazo-calld's placeholder: not audio
    assert formats.input_args(tmp_path / "msg0002.wav") == []


def test_asterisk_testsuite_mailbox_raw_mulaw_in_all_three_files(store, tmp_path):
    """create_dummy_voicemail copies raw talking.ulaw to msgNNNN.ulaw, .wav and .WAV (format=ulaw|wav|WAV)."""
    duration = float(next(line for line in TESTSUITE_TXT.read_text().splitlines() if line.startswith("duration="))[9:])
    folder = tmp_path / "voicemail" / "default" / "1234" / "Urgent"
    folder.mkdir(parents=True)
    shutil.copyfile(TESTSUITE_TXT, folder / "msg0000.txt")
    make(folder / "msg0000.ulaw", ".ulaw", seconds=duration)
    for suffix in (".wav", ".WAV"):
        shutil.copyfile(folder / "msg0000.ulaw", folder / f"msg0000{suffix}")
    report = scan(store, [tmp_path / "voicemail"])
    assert report.unreadable == [] and len(report.new) == 1
    (message,) = store.messages()
    assert message.state is State.NEW and message.error is None and message.folder == "Urgent"
    assert message.path == str(folder / "msg0000.wav")  # the first in quality order, and it decodes
    assert message.duration_s == pytest.approx(duration, abs=0.01)
    samples = decode_pcm(message.path)
    assert samples.size / 16000 == pytest.approx(duration, abs=0.05)
    assert peak_hz(samples) == pytest.approx(FREQ, abs=8)


def test_a_copy_whose_header_is_broken_falls_back_to_the_next(store, tmp_path):
    folder = tmp_path / "voicemail" / "default" / "1001" / "INBOX"
    folder.mkdir(parents=True)
    (folder / "msg0000.txt").write_text('[message]\ncallerid="Bob" <1002>\norigtime=1724436995\nmsg_id=a-1\n')
    (folder / "msg0000.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEjunk" + bytes(4000))  # wrecked header
    make(folder / "msg0000.gsm", ".gsm")
    report = scan(store, [tmp_path / "voicemail"])
    assert report.unreadable == [] and report.new == [str(folder / "msg0000.gsm")]
    (message,) = store.messages()
    assert message.error is None and message.path == str(folder / "msg0000.gsm")
    assert message.duration_s == pytest.approx(SECONDS, abs=0.03)
    assert message.source_note.startswith("msg0000.wav cannot be read (") and "playing msg0000.gsm" in message.source_note
    again = scan(store, [tmp_path / "voicemail"])
    assert again.missing == [] and again.new == [] and store.count() == 1
