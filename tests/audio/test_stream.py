"""Streaming decode through real ffmpeg: offsets, tempo, duration, errors."""

from __future__ import annotations

import time

import numpy as np
import pytest
from audio_testlib import dominant_hz

from tui.audio.stream import DecodeStream, StreamError, atempo_chain


def drain(stream: DecodeStream, timeout: float = 30.0) -> np.ndarray:
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = stream.read()
        if data is None:
            break
        if data:
            chunks.append(data)
        else:
            time.sleep(0.002)
    else:
        raise AssertionError("stream did not end")
    return np.frombuffer(b"".join(chunks), dtype="<i2")


def test_whole_file_and_duration(signals):
    with DecodeStream(signals["tone"], rate=16000) as s:
        pcm = drain(s)
        assert s.error is None
        assert s.duration_s == pytest.approx(3.0, abs=0.01)
    assert len(pcm) / 16000 == pytest.approx(3.0, abs=0.01)


def test_start_offset_is_sample_accurate_for_mp3(signals):
    with DecodeStream(signals["mp3"], rate=48000, start_s=2.0) as s:
        pcm = drain(s)
        assert s.duration_s == pytest.approx(3.0, abs=0.06)  # input duration, not what is left
    assert len(pcm) / 48000 == pytest.approx(1.0, abs=0.03)
    assert dominant_hz(pcm[:12000], 48000) == pytest.approx(880, abs=5)


def test_tempo_halves_the_output_and_keeps_the_pitch(signals):
    with DecodeStream(signals["tone"], rate=48000, speed=2.0) as s:
        pcm = drain(s)
    assert len(pcm) / 48000 == pytest.approx(1.5, abs=0.03)
    assert dominant_hz(pcm[4800:24000], 48000) == pytest.approx(440, abs=8)


def test_float_output_and_stereo(signals):
    with DecodeStream(signals["short"], rate=8000, channels=2, sample_format="f32le") as s:
        raw = b""
        while (d := s.read()) is not None:
            raw += d
            time.sleep(0.001)
    samples = np.frombuffer(raw, dtype="<f4")
    assert len(samples) == pytest.approx(2 * 1.5 * 8000, abs=2 * 80)
    assert np.max(np.abs(samples)) <= 1.0


def test_garbage_gives_a_one_line_reason(signals):
    with DecodeStream(signals["garbage"], rate=48000) as s:
        pcm = drain(s)
    assert len(pcm) == 0
    assert s.error.startswith("cannot play garbage.mp3: ") and "\n" not in s.error


def _empty(d):
    (d / "empty.mp3").write_bytes(b"")
    return d / "empty.mp3"


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda d: d / "missing.wav", "the file does not exist"),
        (lambda d: d, "it is a folder, not an audio file"),
        (_empty, "the file is empty"),
    ],
)
def test_unreadable_inputs_raise_before_ffmpeg(tmp_path, make, reason):
    path = make(tmp_path)
    with pytest.raises(StreamError) as info:
        DecodeStream(path, rate=48000)
    assert str(info.value).endswith(reason)


def test_atempo_chain():
    assert atempo_chain(1.0) is None
    assert atempo_chain(1.5) == "atempo=1.5"
    assert atempo_chain(4.0) == "atempo=2,atempo=2"
