"""Real playback into a private PulseAudio null sink, recorded from its monitor with parec.

The recording is the ground truth: the whole signal must be in it, without gaps, before the
player says the end was reached; a server that dies mid-play must never count as heard.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from audio_testlib import RATE, gaps_ms, loud_ms, signal_span, wait_for, window_freqs

from tests.needs import missing

from tui.audio.coverage import is_listened
from tui.audio.outputs import OutputUnavailable, open_output
from tui.audio.player import Player

pytestmark = [pytest.mark.pulse, pytest.mark.slow]

OUTPUTS = ["sounddevice", "pacat"]


def _open(spec: str):
    try:
        return open_output(spec, buffer_ms=100)
    except OutputUnavailable as exc:  # e.g. PortAudio missing on this machine: say so, loudly
        missing(f"the {spec} output is unavailable here: {exc}")


def _read(path) -> np.ndarray:
    data = path.read_bytes()
    return np.frombuffer(data[: len(data) - len(data) % 2], dtype="<i2")


@pytest.mark.parametrize("spec", OUTPUTS)
def test_whole_signal_is_played_before_the_end_is_reported(spec, pulse_server, signals, tmp_path):
    rec_path = tmp_path / "rec.raw"
    recorder = pulse_server.record(rec_path)
    player = Player(_open(spec))
    try:
        time.sleep(0.3)  # parec connected
        player.load(signals["tone"])
        player.play()
        snap = wait_for(player, lambda s: s.state in ("ended", "failed"), timeout=30)
        at_end = _read(rec_path)  # what the sink had played when the player said "ended"
        time.sleep(0.3)
    finally:
        recorder.terminate()
        recorder.wait(timeout=10)
        player.close()
    assert snap.state == "ended", snap.error
    assert snap.reached_end and is_listened(snap.heard, snap.duration_s, 0.97, True)
    assert not snap.silent and snap.output_name.startswith(spec)

    full = _read(rec_path)
    # The sink's timeline counts samples, not seconds, so the signal's content does not depend on
    # how busy the machine is. 50 ms: a sounddevice stream (PortAudio -> ALSA's pulse plugin) was
    # measured losing 15-25 ms of its first period under load; a player skipping a chunk loses more.
    assert 3000 - 50 <= loud_ms(full, RATE) <= 3000 + 10
    # The rule: "ended" only once the sink has played the signal, so the recording read at that
    # moment already holds (nearly) all of it. parec hands the monitor over in 5 ms pieces, but on
    # a busy 2-core machine its write can trail the sink by a few scheduling slices: 50 ms allows
    # that, and is half the 100 ms output buffer a player reporting the end when it *wrote* the
    # last frame would miss.
    assert loud_ms(full, RATE) - loud_ms(at_end, RATE) <= 50, "the end was reported before it was played"
    # Continuity: a player that leaves a hole at every chunk leaves dozens of gaps; a machine busy
    # enough to starve the player thread past its buffer, at most a couple.
    assert len([gap for gap in gaps_ms(full, RATE) if gap > 20]) <= 2, gaps_ms(full, RATE)
    start, end = signal_span(full)
    assert window_freqs(full[start:end], RATE) == pytest.approx([440] * 4 + [880] * 2, abs=5)


@pytest.mark.parametrize("spec", OUTPUTS)
def test_pause_and_seek_through_a_real_sink(spec, pulse_server, signals, tmp_path):
    player = Player(_open(spec))
    try:
        player.load(signals["short"])
        player.play()
        wait_for(player, lambda s: s.position_s >= 0.3, timeout=30)
        player.pause()
        paused = wait_for(player, lambda s: s.state == "paused")
        time.sleep(0.3)
        assert player.snapshot().position_s == paused.position_s
        player.seek(+0.5)
        player.play()
        snap = wait_for(player, lambda s: s.state in ("ended", "failed"), timeout=30)
    finally:
        player.close()
    assert snap.state == "ended" and snap.reached_end, snap.error
    assert len(snap.heard) == 2
    # Source-time positions come from counting frames, not from the wall clock, so these hold on
    # any machine; the 10 / 20 ms slack is where the first frame after the seek and the file's
    # last frame fall, not time.
    assert snap.heard[0][1] == pytest.approx(paused.position_s)
    assert snap.heard[1][0] == pytest.approx(paused.position_s + 0.5, abs=0.01)
    assert snap.heard[1][1] == pytest.approx(1.5, abs=0.02)
    assert not is_listened(snap.heard, snap.duration_s, 0.97, snap.reached_end)


@pytest.mark.parametrize("spec", OUTPUTS)
def test_server_killed_mid_play_is_an_error_and_never_heard(spec, make_pulse_server, pulse_env, signals):
    server = make_pulse_server()
    with pulse_env(server):
        player = Player(_open(spec))
        try:
            player.load(signals["tone"])
            player.play()
            wait_for(player, lambda s: s.position_s >= 0.8, timeout=30)
            server.kill()
            killed_at = player.snapshot().position_s
            snap = wait_for(player, lambda s: s.state != "playing", timeout=15)
        finally:
            player.close(timeout=10)
    assert snap.state == "failed"
    assert snap.error and snap.error.startswith("audio connection lost")
    assert not snap.reached_end
    assert snap.heard and snap.heard[-1][1] < 3.0
    # what was counted ends near where the server died, not at some queued position beyond it
    assert snap.heard[-1][1] <= killed_at + 0.3
    assert not is_listened(snap.heard, snap.duration_s, 0.97, snap.reached_end)


@pytest.mark.parametrize("spec", OUTPUTS)
def test_frozen_server_mid_play_is_an_error_not_a_hang(spec, make_pulse_server, pulse_env, signals):
    server = make_pulse_server()
    with pulse_env(server):
        out = _open(spec)
        out.stall_s = 2.5  # the default (5 s) is the same check, only slower
        player = Player(out)
        try:
            player.load(signals["tone"])
            player.play()
            wait_for(player, lambda s: s.position_s >= 0.5, timeout=30)
            server.freeze()
            frozen_at = player.snapshot().position_s
            snap = wait_for(player, lambda s: s.state != "playing", timeout=20)
        finally:
            server.thaw()
            player.close(timeout=10)
    assert snap.state == "failed" and snap.error.startswith("audio connection lost")
    assert not snap.reached_end
    assert snap.heard[-1][1] <= frozen_at + 0.3
