"""Speech or not, decided before Whisper sees the audio: a voice-activity check in numpy.

Whisper writes stock phrases on hiss, hum, tones and silence ("I'm going to go to the next
station.", "Thank you."), so a stretch without speech must never reach it. This check looks for
what a person talking has and line noise, clicks, hum, breathing, call-progress tones and
hold music lack, all within the phone band (8 kHz voicemail resampled to 16 kHz):

* **voicing**: the band-passed frame repeats itself at a pitch period of 2.5-12.5 ms (80-400 Hz;
  the normalised autocorrelation, corrected for the window, is high). Hiss, breathing, clicks
  and rumble are not periodic.
* **not a few pure tones**: a voiced frame's power is spread over many harmonics shaped by
  formants; a dial, busy or ring tone, mains hum and a synth note put nearly all of it into a
  handful of spectral peaks.
* **louder than the line**: above the message's own noise floor and an absolute floor.
* **syllables**: a speech stretch holds voiced frames in bursts (syllables) with the pitch
  moving and the spectrum's shape changing every few tens of ms; a held musical note keeps one
  exact pitch and one shape.

Frames that pass are grouped into stretches (short gaps bridged, padding added so first and
last words survive); a message whose stretches add up to too little voiced time has no speech.
No model, no dependency beyond numpy, ~10 ms per 30 s of audio. webrtcvad marked the sample
hang-up, an open line and hold music as speech (BENCHMARKS.md, "No invented words"); Silero
needs onnxruntime and a model file, and fires on quiet noise in 8 kHz audio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16000
_WIN = 512  # 32 ms
_HOP = 160  # 10 ms
_LAG_MIN = SAMPLE_RATE // 400  # 400 Hz
_LAG_MAX = SAMPLE_RATE // 80  # 80 Hz
_BAND = (250.0, 3500.0)
_SUSTAIN_FRAMES = 5  # 50 ms


@dataclass(frozen=True)
class Frames:
    """Per 10 ms frame: band power (dB re full scale), voicing (0-1), pitch lag, peak share (0-1),
    and sustain: how alike the spectrum's shape is 50 ms later (correlation of log spectra)."""

    db: np.ndarray
    voicing: np.ndarray
    lag: np.ndarray
    peak_share: np.ndarray
    sustain: np.ndarray


def frame_features(samples: np.ndarray, *, block: int = 1000) -> Frames:
    """Features of every 10 ms frame, computed `block` frames at a time (a 10-minute message holds
    60,000 frames: their spectra at once would take hundreds of MB)."""
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    if x.size < _WIN:
        x = np.pad(x, (0, _WIN - x.size))
    frames = np.lib.stride_tricks.sliding_window_view(x, _WIN)[::_HOP]
    n = frames.shape[0]
    parts = []
    for i in range(0, n, block):
        j = min(n, i + block + _SUSTAIN_FRAMES)  # the sustain of the block's last frames looks ahead
        db, voicing, lag, peak_share, logs = _block(frames[i:j])
        if j == n:  # the message's end: the last frames are compared with those before them
            later = np.concatenate([logs[_SUSTAIN_FRAMES:], logs[-_SUSTAIN_FRAMES:][::-1]])[: logs.shape[0]]
        else:
            later = logs[_SUSTAIN_FRAMES:]
        k = min(block, n - i)
        num = (logs[:k] * later[:k]).sum(axis=1)
        den = np.sqrt((logs[:k] * logs[:k]).sum(axis=1) * (later[:k] * later[:k]).sum(axis=1))
        parts.append((db[:k], voicing[:k], lag[:k], peak_share[:k], num / np.maximum(den, 1e-20)))
    db, voicing, lag, peak_share, sustain = (np.concatenate(col) for col in zip(*parts))
    return Frames(db=db, voicing=voicing, lag=lag, peak_share=peak_share, sustain=sustain)


_WINDOW = np.hanning(_WIN).astype(np.float32)
_FREQS = np.fft.rfftfreq(2 * _WIN, 1.0 / SAMPLE_RATE)
_IN_BAND = (_FREQS >= _BAND[0]) & (_FREQS <= _BAND[1])
_WACF = np.correlate(_WINDOW, _WINDOW, mode="full")[_WIN - 1 : _WIN + _LAG_MAX]


def _block(frames: np.ndarray):
    window = _WINDOW
    spec = np.fft.rfft(frames * window, n=2 * _WIN, axis=1)  # zero-padded: linear autocorrelation
    power = (spec.real**2 + spec.imag**2) * _IN_BAND
    total = power.sum(axis=1)
    db = 10 * np.log10(np.maximum(total / (_WIN * window.sum() ** 2 / _WIN), 1e-12))
    acf = np.fft.irfft(power, axis=1)[:, : _LAG_MAX + 1]
    norm = acf / np.maximum(acf[:, :1], 1e-20) / (_WACF / _WACF[0])
    seg = norm[:, _LAG_MIN : _LAG_MAX + 1]
    lag = np.argmax(seg, axis=1) + _LAG_MIN
    voicing = np.clip(seg.max(axis=1), 0.0, 1.0)
    # Share of the band's power in its 12 strongest bins (zero-padded FFT: ~3 bins per sinusoid).
    top = np.sort(power, axis=1)[:, -12:].sum(axis=1)
    peak_share = top / np.maximum(total, 1e-20)
    # Speech reshapes its spectrum every few tens of ms (formants move); a held note does not.
    logs = np.log10(power[:, _IN_BAND] + 1e-10)
    logs -= logs.mean(axis=1, keepdims=True)
    return db, voicing, lag, peak_share, logs


# Tuned on bench/noiseclips.py's clips and the sample corpus with band noise added down to 5 dB
# SNR (bench/nospeech.py): voiced speech frames have peak share 0.5-0.9, call-progress tones
# 0.97-1.0; speech's median sustain over a stretch was 0.44-0.66, hold music's 0.89-0.92.
VOICING = 0.5
PEAK_SHARE = 0.95
ABOVE_FLOOR_DB = 3.0  # speech in a noisy street or car is only a few dB above the line's floor
MAX_SUSTAIN = 0.8
ABS_FLOOR_DB = -60.0
MIN_VOICED_S = 0.25  # voiced time a stretch needs (about two syllables)
BRIDGE_S = 0.6  # voiced frames closer than this belong to one stretch
PAD_BEFORE_S = 0.5  # unvoiced onsets ("h", "s", "f") come before the first voiced frame
PAD_AFTER_S = 1.0  # Whisper drops a last word that ends right at the end of its input
KEEP_GAP_S = 2.0  # a pause shorter than this stays in (cutting it gains nothing and may clip a sound)
MAX_SAME_PITCH = 0.6  # a stretch whose voiced frames mostly keep the previous frame's exact pitch is a note


def voiced_frames(f: Frames) -> np.ndarray:
    floor = np.percentile(f.db, 10) if f.db.size else ABS_FLOOR_DB
    loud = (f.db > floor + ABOVE_FLOOR_DB) & (f.db > ABS_FLOOR_DB)
    return loud & (f.voicing >= VOICING) & (f.peak_share < PEAK_SHARE)


def speech_regions(samples: np.ndarray) -> list[tuple[int, int]]:
    """Sample ranges [a, b) of `samples` (16 kHz mono) that hold speech, padded; [] when none."""
    n = int(np.asarray(samples).size)
    if n < SAMPLE_RATE // 4:
        return []
    f = frame_features(samples)
    voiced = voiced_frames(f)
    idx = np.flatnonzero(voiced)
    if idx.size == 0:
        return []
    bridge = int(BRIDGE_S * SAMPLE_RATE / _HOP)
    groups: list[tuple[int, int]] = []
    start = prev = int(idx[0])
    for i in idx[1:]:
        i = int(i)
        if i - prev > bridge:
            groups.append((start, prev))
            start = i
        prev = i
    groups.append((start, prev))
    regions: list[tuple[int, int]] = []
    min_frames = MIN_VOICED_S * SAMPLE_RATE / _HOP
    for a, b in groups:
        v = voiced[a : b + 1]
        if v.sum() < min_frames:
            continue
        lags = f.lag[a : b + 1][v]
        steady = float(np.mean(np.abs(np.diff(lags)) == 0)) if lags.size > 1 else 1.0
        if steady > MAX_SAME_PITCH or float(np.median(f.sustain[a : b + 1][v])) > MAX_SUSTAIN:
            continue  # held notes: music on hold, a ring-back melody
        lo = max(0, a * _HOP - int(PAD_BEFORE_S * SAMPLE_RATE))
        hi = min(n, b * _HOP + _WIN + int(PAD_AFTER_S * SAMPLE_RATE))
        if regions and lo - regions[-1][1] < KEEP_GAP_S * SAMPLE_RATE:
            regions[-1] = (regions[-1][0], hi)
        else:
            regions.append((lo, hi))
    # Short non-speech edges stay as well: Whisper's reading of a message depends on where its
    # window starts, and a second of lead-in is no risk.
    keep = int(KEEP_GAP_S * SAMPLE_RATE)
    if regions and regions[0][0] < keep:
        regions[0] = (0, regions[0][1])
    if regions and n - regions[-1][1] < keep:
        regions[-1] = (regions[-1][0], n)
    return regions


def speech_seconds(regions: list[tuple[int, int]]) -> float:
    return sum(b - a for a, b in regions) / SAMPLE_RATE
