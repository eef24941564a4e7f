"""The player on real files through the null and file: outputs (real ffmpeg, real clock)."""

from __future__ import annotations

import time
import wave

import numpy as np
import pytest
from audio_testlib import SAMPLES, dominant_hz, signal_span, wait_for, window_freqs

from tui.audio.coverage import covered_seconds, heard_fraction, is_listened
from tui.audio.outputs import FileOutput, NullOutput
from tui.audio.player import Player, PlayerSnapshot

DONE = ("ended", "failed")


def read_wav(path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate()


@pytest.fixture
def null_player():
    player = Player(NullOutput())
    yield player
    player.close()


def test_play_to_the_end_hears_everything(null_player, signals):
    events: list[PlayerSnapshot] = []
    null_player.on_change = events.append
    null_player.load(signals["short"])
    null_player.play()
    snap = wait_for(null_player, lambda s: s.state in DONE)
    assert snap.state == "ended" and snap.error is None
    assert snap.reached_end
    assert snap.duration_s == pytest.approx(1.5, abs=0.01)
    assert len(snap.heard) == 1
    assert snap.heard[0][0] == pytest.approx(0.0, abs=1e-6)
    assert snap.heard[0][1] == pytest.approx(1.5, abs=0.01)
    assert is_listened(snap.heard, snap.duration_s, 0.97, snap.reached_end)
    assert snap.silent and snap.output_name == "null"
    states = [e.state for e in events]
    assert "playing" in states and states[-1] == "ended"
    # at most ~10 progress updates a second, plus the state changes
    assert len(events) <= 1.5 * 10 + 8


def test_seek_to_95_percent_then_end_is_not_listened(null_player, signals):
    null_player.load(signals["tone"])
    # loaded, nothing played; the duration comes from ffmpeg's header line, which can trail the
    # first decoded frames on a busy machine
    snap = wait_for(null_player, lambda s: s.state == "paused" and s.duration_s is not None)
    assert snap.duration_s == pytest.approx(3.0, abs=0.01) and snap.heard == ()
    null_player.seek_to(0.95 * 3.0)
    null_player.play()
    snap = wait_for(null_player, lambda s: s.state in DONE)
    assert snap.state == "ended" and snap.reached_end
    assert snap.heard[0][0] == pytest.approx(2.85, abs=0.01)
    assert covered_seconds(snap.heard, 3.0) == pytest.approx(0.15, abs=0.02)
    assert not is_listened(snap.heard, snap.duration_s, 0.97, snap.reached_end)


def test_seek_forward_during_playback_never_adds_the_skipped_span(null_player, signals):
    null_player.load(signals["tone"])
    null_player.play()
    wait_for(null_player, lambda s: s.position_s >= 0.3)
    null_player.seek(+1.5)
    snap = wait_for(null_player, lambda s: s.state in DONE)
    assert snap.reached_end
    assert len(snap.heard) == 2
    (a0, a1), (b0, b1) = snap.heard
    assert a0 == pytest.approx(0.0, abs=1e-6)
    assert b0 == pytest.approx(a1 + 1.5, abs=0.01)
    assert b1 == pytest.approx(3.0, abs=0.01)
    assert heard_fraction(snap.heard, 3.0) < 0.6
    assert not is_listened(snap.heard, snap.duration_s, 0.97, snap.reached_end)


def test_pause_freezes_position_and_resume_continues_without_gap_or_overlap(tmp_path, signals):
    out = FileOutput(tmp_path / "played.wav")
    player = Player(out)
    try:
        player.load(signals["short"])
        player.play()
        wait_for(player, lambda s: s.position_s >= 0.5)
        player.pause()
        paused = wait_for(player, lambda s: s.state == "paused")
        time.sleep(0.3)
        still = player.snapshot()
        assert still.state == "paused" and still.position_s == paused.position_s
        assert len(still.heard) == 1 and still.heard[0][1] == pytest.approx(still.position_s)
        assert not still.reached_end
        player.toggle()
        snap = wait_for(player, lambda s: s.state in DONE)
    finally:
        player.close()
    assert snap.reached_end and len(snap.heard) == 1
    assert is_listened(snap.heard, snap.duration_s, 0.97, snap.reached_end)
    # what was played out is the signal exactly once: 1.5 s, not 1.5 s + the replayed buffer
    samples, rate = read_wav(tmp_path / "played.wav")
    assert len(samples) / rate == pytest.approx(1.5, abs=0.02)


def test_file_output_holds_exactly_what_was_played(tmp_path, signals):
    target = tmp_path / "out.wav"
    player = Player(FileOutput(target))
    try:
        player.load(signals["tone"])
        player.play()
        wait_for(player, lambda s: s.state in DONE)
        assert not target.exists(), "the WAV is written atomically at close"
    finally:
        player.close()
    samples, rate = read_wav(target)
    assert len(samples) / rate == pytest.approx(3.0, abs=0.05)
    assert window_freqs(samples, rate) == pytest.approx([440] * 4 + [880] * 2, abs=5)


def test_double_speed_covers_the_file_in_half_the_output_time(tmp_path, signals):
    target = tmp_path / "fast.wav"
    player = Player(FileOutput(target))
    try:
        player.load(signals["tone"])
        player.set_speed(2)
        player.play()
        snap = wait_for(player, lambda s: s.state in DONE)
    finally:
        player.close()
    assert snap.speed == 2.0 and snap.reached_end
    assert covered_seconds(snap.heard, 3.0) == pytest.approx(3.0, abs=0.03)
    assert is_listened(snap.heard, snap.duration_s, 0.97, snap.reached_end)
    samples, rate = read_wav(target)
    # 3 s of source in 1.5 s of output, pitch preserved (atempo)
    assert len(samples) / rate == pytest.approx(1.5, abs=0.05)
    quarter = rate // 4
    assert dominant_hz(samples[quarter : 2 * quarter], rate) == pytest.approx(440, abs=8)
    assert dominant_hz(samples[-2 * quarter : -quarter], rate) == pytest.approx(880, abs=8)


def test_restart_plays_again_and_keeps_what_was_heard(tmp_path, signals):
    target = tmp_path / "twice.wav"
    player = Player(FileOutput(target))
    try:
        player.load(signals["short"])
        player.play()
        first = wait_for(player, lambda s: s.state in DONE)
        assert first.reached_end
        player.restart()
        wait_for(player, lambda s: s.state == "playing" and s.position_s < 1.0)
        second = wait_for(player, lambda s: s.state in DONE)
    finally:
        player.close()
    assert second.state == "ended" and second.reached_end
    assert second.heard == first.heard or covered_seconds(second.heard) == pytest.approx(1.5, abs=0.01)
    samples, rate = read_wav(target)
    assert len(samples) / rate == pytest.approx(3.0, abs=0.05)


def test_load_with_earlier_progress_and_finish_the_rest(null_player, signals):
    null_player.load(signals["short"], start_s=1.0, heard=[(0.0, 1.0)])
    snap = null_player.sync()
    assert snap.heard == ((0.0, 1.0),) and snap.position_s == pytest.approx(1.0)
    assert snap.state in ("loading", "paused")
    null_player.play()
    snap = wait_for(null_player, lambda s: s.state in DONE)
    assert snap.reached_end and len(snap.heard) == 1
    assert is_listened(snap.heard, snap.duration_s, 0.97, snap.reached_end)


def test_speed_steps_are_bounded(null_player, signals):
    null_player.load(signals["short"])
    for _ in range(6):
        null_player.speed_up()
    assert null_player.sync().speed == 2.0
    null_player.speed_down()
    assert null_player.sync().speed == 1.5
    for _ in range(6):
        null_player.speed_down()
    assert null_player.sync().speed == 1.0
    with pytest.raises(ValueError):
        null_player.set_speed(3)


def test_undecodable_file_fails_with_a_one_line_reason(null_player, signals):
    null_player.load(signals["garbage"])
    null_player.play()
    snap = wait_for(null_player, lambda s: s.state in DONE)
    assert snap.state == "failed"
    assert snap.error and "garbage.mp3" in snap.error and "\n" not in snap.error
    assert snap.heard == () and not snap.reached_end


def test_missing_file_fails_with_a_clear_reason(null_player, tmp_path):
    null_player.load(tmp_path / "nowhere.wav")
    snap = wait_for(null_player, lambda s: s.state in DONE)
    assert snap.state == "failed" and snap.error == "cannot play nowhere.wav: the file does not exist"


def test_broken_sample_voicemail_fails_cleanly(null_player):
    broken = SAMPLES / "plain" / "2026-11-08 11.20.45 +19495550170.m4a"
    null_player.load(broken)
    snap = wait_for(null_player, lambda s: s.state in DONE)
    assert snap.state == "failed" and "\n" not in snap.error
    assert snap.error.startswith(f"cannot play {broken.name}: ")
    assert any(why in snap.error for why in ("empty", "not a readable audio file", "moov"))


def test_sample_voicemail_at_double_speed(tmp_path):
    sample = SAMPLES / "asterisk" / "default" / "1001" / "INBOX" / "msg0002.wav"
    target = tmp_path / "vm.wav"
    player = Player(FileOutput(target, rate=16000))
    try:
        player.load(sample)
        player.set_speed(2)
        player.play()
        snap = wait_for(player, lambda s: s.state in DONE)
    finally:
        player.close()
    assert snap.state == "ended" and snap.reached_end
    assert snap.duration_s == pytest.approx(4.9, abs=0.05)
    assert is_listened(snap.heard, snap.duration_s, 0.97, snap.reached_end)
    samples, rate = read_wav(target)
    assert rate == 16000 and len(samples) / rate == pytest.approx(snap.duration_s / 2, abs=0.05)
    start, end = signal_span(samples)
    assert end - start > rate  # speech, not silence


def test_mp3_seek_lands_on_the_right_audio(tmp_path, signals):
    target = tmp_path / "mp3.wav"
    player = Player(FileOutput(target))
    try:
        player.load(signals["mp3"])
        player.seek_to(2.0)
        player.play()
        snap = wait_for(player, lambda s: s.state in DONE)
    finally:
        player.close()
    assert snap.reached_end and snap.heard[0][0] == pytest.approx(2.0, abs=0.01)
    samples, rate = read_wav(target)
    assert len(samples) / rate == pytest.approx(1.0, abs=0.06)
    assert dominant_hz(samples[: rate // 2], rate) == pytest.approx(880, abs=5)


def test_commands_return_at_once_and_close_is_idempotent(signals):
    player = Player(NullOutput())
    started = time.monotonic()
    player.load(signals["tone"])
    player.play()
    player.seek(1)
    player.pause()
    player.toggle()
    player.set_speed(1.5)
    issued = time.monotonic() - started
    player.close()
    player.close()
    assert player.snapshot().state in ("idle", "paused", "ended")
    # enqueueing never waits for ffmpeg or the device (generous bound: this is not a benchmark)
    assert issued < 0.5
    with pytest.raises(RuntimeError):
        player.play()


def test_loading_another_file_first_reports_the_final_progress_of_the_old_one(signals):
    events: list[PlayerSnapshot] = []
    player = Player(NullOutput(), on_change=events.append)
    try:
        player.load(signals["tone"])
        player.play()
        wait_for(player, lambda s: s.position_s >= 0.5)
        player.load(signals["short"])
        player.sync()
    finally:
        player.close()
    old = [e for e in events if e.path == str(signals["tone"])]
    final_old = old[-1]
    assert final_old.state == "paused" and final_old.heard
    assert final_old.heard[0][1] == pytest.approx(final_old.position_s)
    assert final_old.position_s >= 0.5
    assert not final_old.reached_end
    new = [e for e in events if e.path == str(signals["short"])]
    assert new and new[0].heard == () and new[0].position_s == 0.0


def test_a_burst_of_seeks_adds_up_and_counts_nothing_skipped(null_player, signals):
    null_player.load(signals["tone"])
    null_player.play()
    first = wait_for(null_player, lambda s: s.position_s >= 0.2)
    for _ in range(5):
        null_player.seek(+0.2)
    snap = wait_for(null_player, lambda s: s.state in DONE)
    assert snap.reached_end and len(snap.heard) == 2
    (a0, a1), (b0, b1) = snap.heard
    assert a1 >= first.position_s
    assert b0 == pytest.approx(a1 + 1.0, abs=0.01)
    assert b1 == pytest.approx(3.0, abs=0.01)
