"""The seam between the first piece and the rest (tui.audio.segments) through a real sink.

A device fills its whole buffer at once when it starts: with a tunnel-sized buffer (500 ms) and
a cold start (nothing decoded ahead), the rest must already be flowing when the first piece has
gone into the device. A first piece of 0.5 s left a 125 ms silence here; the recording must show
the whole signal, in order, without a gap.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from audio_testlib import RATE, longest_gap_ms, signal_span, wait_for, window_freqs

from tui.audio.outputs import OutputUnavailable, open_output
from tui.audio.player import Player

pytestmark = [pytest.mark.pulse, pytest.mark.slow]


def _read(path) -> np.ndarray:
    data = path.read_bytes()
    return np.frombuffer(data[: len(data) - len(data) % 2], dtype="<i2")


@pytest.mark.parametrize("spec", ["sounddevice", "pacat"])
@pytest.mark.parametrize("decoded_ahead", [False, True])
def test_cold_and_warm_starts_with_a_tunnel_buffer_have_no_gap_at_the_seam(spec, decoded_ahead, pulse_server,
                                                                             signals, tmp_path):
    rec_path = tmp_path / "rec.raw"
    recorder = pulse_server.record(rec_path)
    try:
        out = open_output(spec, buffer_ms=500)
    except OutputUnavailable as exc:
        recorder.terminate()
        pytest.skip(f"{spec} output unavailable here: {exc}")
    player = Player(out)
    try:
        time.sleep(0.3)  # parec connected
        player.load(signals["tone"])
        if decoded_ahead:  # the cursor rested on the message: the app load()s it ahead
            wait_for(player, lambda s: s.state == "paused", timeout=10)
            time.sleep(0.5)
        player.play()
        snap = wait_for(player, lambda s: s.state in ("ended", "failed"), timeout=30)
        time.sleep(0.3)
    finally:
        recorder.terminate()
        recorder.wait(timeout=10)
        player.close()
    assert snap.state == "ended", snap.error
    rec = _read(rec_path)
    start, end = signal_span(rec)
    assert (end - start) / RATE == pytest.approx(3.0, abs=0.05)
    assert longest_gap_ms(rec, RATE) <= 20
    assert window_freqs(rec[start:end], RATE) == pytest.approx([440] * 4 + [880] * 2, abs=5)
