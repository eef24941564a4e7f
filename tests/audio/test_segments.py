"""The pydub layer (tui.audio.segments) through real ffmpeg: AudioSegments, the first-piece seam,
speed with pitch kept, float samples for transcription, the one place the command is built."""

from __future__ import annotations

import time

import numpy as np
import pytest
from audio_testlib import dominant_hz
from pydub import AudioSegment

from tui.audio import formats, segments
from tui.audio.decode import DecodeError, decode_pcm
from tui.audio.ffmpeg import decode_command
from tui.audio.stream import DecodeStream, StreamError


def _drain_segments(stream: segments.SegmentStream, frames: int = 777) -> tuple[bytes, list[AudioSegment]]:
    parts: list[AudioSegment] = []
    deadline = time.monotonic() + 30  # hang guard, not a timing assertion
    while time.monotonic() < deadline:
        seg = stream.read(frames)
        if seg is None:
            return b"".join(p.raw_data for p in parts), parts
        if seg.raw_data:
            parts.append(seg)
        else:
            time.sleep(0.002)
    raise AssertionError("the segment stream did not end")


def _drain_bytes(stream: DecodeStream) -> bytes:
    chunks = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        data = stream.read()
        if data is None:
            return b"".join(chunks)
        chunks.append(data)
        if not data:
            time.sleep(0.002)
    raise AssertionError("stream did not end")


@pytest.mark.parametrize("name, start_s, speed", [("mp3", 0.0, 1.0), ("mp3", 0.7, 1.5), ("tone", 0.3, 1.25)])
def test_first_piece_then_rest_is_sample_exact_against_one_continuous_decode(signals, name, start_s, speed):
    with DecodeStream(signals[name], rate=48000, start_s=start_s, speed=speed) as whole:
        expected = _drain_bytes(whole)
    with segments.SegmentStream(signals[name], rate=48000, start_s=start_s, speed=speed, first_piece_s=0.5) as s:
        got, parts = _drain_segments(s)
        assert s.duration_s == pytest.approx(3.0, abs=0.06)
    assert all(isinstance(p, AudioSegment) and p.frame_rate == 48000 and p.channels == 1 and p.sample_width == 2
               for p in parts)
    assert len(got) == len(expected) and got == expected  # no gap, no repeat, no click at the seam


def test_a_message_shorter_than_the_first_piece_needs_one_decode(signals):
    with segments.SegmentStream(signals["short"], rate=16000, first_piece_s=5.0) as s:
        got, _ = _drain_segments(s, frames=4000)
        assert s._rest is None  # the first piece was all of it
    assert len(got) // 2 == pytest.approx(1.5 * 16000, abs=16)


def test_the_rest_starts_once_the_first_piece_gives_audio(signals):
    with segments.SegmentStream(signals["tone"], rate=8000, first_piece_s=1.0) as s:
        deadline = time.monotonic() + 30  # hang guard, not a timing assertion
        while not (first := s.read(100)).raw_data:
            assert s._rest is None and time.monotonic() < deadline
            time.sleep(0.002)
        assert len(first.raw_data) == 200
        assert s._rest is not None  # decoding behind the first piece while it plays


def test_decode_gives_a_segment_at_the_rate_asked_with_the_pitch_kept_at_speed(signals):
    seg = segments.decode(signals["tone"], rate=22050, speed=2.0)
    assert isinstance(seg, AudioSegment) and seg.frame_rate == 22050 and seg.sample_width == 2
    assert seg.duration_seconds == pytest.approx(1.5, abs=0.03)
    samples = np.array(seg.get_array_of_samples())
    assert dominant_hz(samples[2205:11025], 22050) == pytest.approx(440, abs=8)


def test_decode_a_piece_from_an_offset(signals):
    seg = segments.decode(signals["mp3"], rate=48000, start_s=2.0, duration_s=0.5)
    assert seg.duration_seconds == pytest.approx(0.5, abs=0.002)
    assert dominant_hz(np.array(seg.get_array_of_samples()), 48000) == pytest.approx(880, abs=5)


def test_float_samples_for_transcription_are_ffmpegs_float32_unchanged(signals):
    seg = segments.decode(signals["short"], rate=16000, sample_format="f32le")
    assert isinstance(seg, segments.Float32Segment) and seg.sample_width == 4
    assert seg.get_array_of_samples().typecode == "f"
    assert isinstance(seg[100:200], segments.Float32Segment) and seg[100:200].frame_count() == 1600
    with DecodeStream(signals["short"], rate=16000, sample_format="f32le") as s:
        assert seg.raw_data == _drain_bytes(s)
    samples = decode_pcm(str(signals["short"]))
    assert samples.dtype == np.float32 and samples.size == pytest.approx(1.5 * 16000, abs=16)
    assert np.array_equal(samples, np.clip(segments.to_float32(seg), -1, 1))
    assert 0.1 < float(np.abs(samples).max()) <= 1.0  # ffmpeg's sine is at 1/8 of full scale


def test_decode_errors_are_one_line(signals, tmp_path):
    with pytest.raises(DecodeError) as info:
        decode_pcm(str(signals["garbage"]))
    assert str(info.value).startswith(f"cannot decode {signals['garbage']}: ") and "\n" not in str(info.value)
    with pytest.raises(StreamError) as info2:
        segments.SegmentStream(tmp_path / "none.mp3", rate=8000)
    assert str(info2.value) == "cannot play none.mp3: the file does not exist"


def test_input_options_go_before_the_input_and_output_options_before_the_output(signals):
    # .ULAW is raw mu-law in the format table (tui/audio/formats.py): its options are input options
    cmd = decode_command("/x/msg.ULAW", rate=48000, start_s=1.5, duration_s=2.0, speed=1.5)
    i = cmd.index("-i")
    assert cmd[i + 1] == "/x/msg.ULAW"
    assert cmd[1:i][-8:] == ["-f", "mulaw", "-ar", "8000", "-ac", "1", "-ss", "1.500000"]
    after = cmd[i + 2:]
    assert after[-1] == "-" and {"-t", "-af", "-ar", "-ac", "-f"} <= set(after)
    assert after[after.index("-af") + 1] == "atempo=1.5" and after[after.index("-ar") + 1] == "48000"
    assert formats.input_args(signals["mp3"]) == [] and "ffprobe" not in " ".join(cmd)


@pytest.mark.parametrize("speed", [1.25, 1.5])
def test_the_player_plays_exactly_one_continuous_atempo_decode_across_the_seam(tmp_path, signals, speed):
    import wave

    from tui.audio.coverage import covered_seconds
    from tui.audio.outputs import FileOutput
    from tui.audio.player import Player

    target = tmp_path / "played.wav"
    player = Player(FileOutput(target))  # 100 ms buffer: a 1.5 s first piece, the seam inside the signal
    try:
        player.load(signals["mp3"])
        player.set_speed(speed)
        player.play()
        deadline = time.monotonic() + 30
        while (snap := player.snapshot()).state not in ("ended", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        player.close()
    assert snap.state == "ended" and snap.reached_end and snap.speed == speed
    assert covered_seconds(snap.heard, 3.0) == pytest.approx(3.0, abs=0.03)
    with wave.open(str(target)) as w:
        played = w.readframes(w.getnframes())
    with DecodeStream(signals["mp3"], rate=48000, speed=speed) as whole:
        expected = _drain_bytes(whole)
    assert played == expected  # no gap, repeat or click at the seam; atempo's pitch-kept output
    samples = np.frombuffer(played, dtype="<i2")
    assert dominant_hz(samples[4800:24000], 48000) == pytest.approx(440, abs=8)
    assert dominant_hz(samples[-24000:-4800], 48000) == pytest.approx(880, abs=8)
