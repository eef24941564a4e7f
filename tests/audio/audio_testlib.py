"""Helpers shared by the audio tests: test-signal generation and recording analysis."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "voicemail-samples"
RATE = 48000


def ffmpeg_tone(path: Path, parts: list[tuple[float, float]], *, rate: int = RATE, codec_args: tuple[str, ...] = ()) -> Path:
    """Write consecutive sine parts [(freq_hz, seconds), ...] to `path` with ffmpeg."""
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    for freq, secs in parts:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency={freq}:duration={secs}:sample_rate={rate}"]
    n = len(parts)
    inputs = "".join(f"[{i}]" for i in range(n))
    cmd += ["-filter_complex", f"{inputs}concat=n={n}:v=0:a=1", "-ac", "1", "-ar", str(rate), *codec_args, str(path)]
    subprocess.run(cmd, check=True, timeout=60)
    return path


# ------------------------------------------------------------------------------ analysis
def dominant_hz(samples: np.ndarray, rate: int) -> float:
    window = samples.astype(np.float64) * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(window))
    spectrum[0] = 0
    return float(np.argmax(spectrum) * rate / len(samples))


def window_freqs(samples: np.ndarray, rate: int, step_s: float = 0.5, width_s: float = 0.4) -> list[float]:
    """Dominant frequency of a `width_s` window centred in each `step_s` slot (edges left out)."""
    freqs = []
    slots = int(round(len(samples) / rate / step_s))
    for k in range(slots):
        centre = int((k + 0.5) * step_s * rate)
        lo, hi = centre - int(width_s * rate / 2), centre + int(width_s * rate / 2)
        if lo < 0 or hi > len(samples):
            continue
        freqs.append(round(dominant_hz(samples[lo:hi], rate)))
    return freqs


def signal_span(samples: np.ndarray, threshold: int = 500) -> tuple[int, int]:
    """First and one-past-last sample louder than `threshold`; (0, 0) when silent."""
    loud = np.nonzero(np.abs(samples.astype(np.int32)) > threshold)[0]
    if len(loud) == 0:
        return 0, 0
    return int(loud[0]), int(loud[-1]) + 1


def longest_gap_ms(samples: np.ndarray, rate: int, threshold: int = 200) -> int:
    """Longest run of silent 1 ms windows (peak below `threshold`) inside the signal."""
    start, end = signal_span(samples)
    body = np.abs(samples[start:end].astype(np.int32))
    win = rate // 1000
    n = len(body) // win
    if n == 0:
        return 0
    peaks = body[: n * win].reshape(n, win).max(axis=1)
    longest = run = 0
    for silent in peaks < threshold:
        run = run + 1 if silent else 0
        longest = max(longest, run)
    return longest


def wait_for(player, predicate, timeout: float = 20.0, poll: float = 0.005):
    """Poll the player's snapshot until `predicate(snapshot)`; fail (never hang) after `timeout`."""
    deadline = time.monotonic() + timeout
    snap = player.snapshot()
    while time.monotonic() < deadline:
        snap = player.snapshot()
        if predicate(snap):
            return snap
        time.sleep(poll)
    raise AssertionError(f"player did not reach the expected state within {timeout} s; last snapshot: {snap}")
