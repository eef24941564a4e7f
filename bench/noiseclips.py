"""No-speech clips as a phone system records them: what a hang-up, a silent call or a hold leaves.

Each clip is synthesised with numpy at 8 kHz, then band-limited and encoded by the real ffmpeg
as an Asterisk-style G.711 mu-law WAV (the sample corpus's commonest format), so the speech
engine sees them the way it sees real voicemail. Deterministic (fixed seeds).

    .venv/bin/python -m bench.noiseclips OUT_DIR      # writes the clips, prints their names
"""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

RATE = 8000


def _noise(rng, seconds: float, level: float) -> np.ndarray:
    return level * rng.standard_normal(int(seconds * RATE))


def _tone(freqs, seconds: float, level: float, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return level * sum(np.sin(2 * np.pi * f * t + phase) for f in freqs) / len(freqs)


def _lowpass(x: np.ndarray, hz: float) -> np.ndarray:
    spec = np.fft.rfft(x)
    spec[np.fft.rfftfreq(x.size, 1 / RATE) > hz] = 0
    return np.fft.irfft(spec, x.size)


def _bandpass(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(x.size, 1 / RATE)
    spec[(f < lo) | (f > hi)] = 0
    return np.fft.irfft(spec, x.size)


def _click(x: np.ndarray, at_s: float, level: float, rng) -> None:
    i = int(at_s * RATE)
    n = min(80, x.size - i)
    if n > 0:
        x[i : i + n] += level * np.exp(-np.arange(n) / 8.0) * rng.choice([-1.0, 1.0], n)


def line_noise(rng) -> np.ndarray:
    """An open line: band-limited hiss with a little crackle."""
    x = _bandpass(_noise(rng, 6.0, 0.03), 300, 3400)
    for at in rng.uniform(0.2, 5.8, 6):
        _click(x, at, 0.05, rng)
    return x


def clicks(rng) -> np.ndarray:
    """A quiet line and the clicks of a handset put down and a call dropped."""
    x = _noise(rng, 5.0, 0.002)
    for at in (0.8, 1.1, 2.9, 4.2, 4.25):
        _click(x, at, 0.4, rng)
    return x


def hum(rng) -> np.ndarray:
    """Mains hum (60 Hz and harmonics) on a quiet line."""
    x = _tone([60], 8.0, 0.15) + _tone([120], 8.0, 0.05) + _tone([180], 8.0, 0.04)
    return x + _noise(rng, 8.0, 0.003)


def breathing(rng) -> np.ndarray:
    """Someone breathing into the phone: filtered noise swelling and fading every ~3.5 s."""
    n = int(10.0 * RATE)
    t = np.arange(n) / RATE
    env = np.clip(np.sin(2 * np.pi * t / 3.5), 0, None) ** 2 + 0.5 * np.clip(np.sin(2 * np.pi * t / 3.5 + np.pi), 0, None) ** 2
    x = _bandpass(rng.standard_normal(n), 250, 1800) * 0.08 * env
    return x + _noise(rng, 10.0, 0.002)


def dial_tone(rng) -> np.ndarray:
    """The North American dial tone: 350 + 440 Hz, steady."""
    return _tone([350, 440], 6.0, 0.3) + _noise(rng, 6.0, 0.002)


def busy_tone(rng) -> np.ndarray:
    """Busy signal: 480 + 620 Hz, 0.5 s on, 0.5 s off."""
    x = _tone([480, 620], 6.0, 0.3)
    gate = (np.arange(x.size) // (RATE // 2)) % 2 == 0
    return x * gate + _noise(rng, 6.0, 0.002)


def music_on_hold(rng) -> np.ndarray:
    """Hold music: a melody of synth notes (a few harmonics each) over a sustained chord."""
    notes = [392, 440, 494, 523, 587, 523, 494, 440, 392, 349, 330, 349, 392, 440, 392, 330]
    out = []
    for i, f in enumerate(notes * 2):
        dur = 0.5 if i % 4 else 0.75
        t = np.arange(int(dur * RATE)) / RATE
        env = np.minimum(1.0, t / 0.02) * np.exp(-t * 2.0)
        note = sum((0.6**k) * np.sin(2 * np.pi * f * (k + 1) * t) for k in range(5))
        out.append(0.25 * env * note)
    melody = np.concatenate(out)
    chord = _tone([196, 247, 294], melody.size / RATE, 0.08)
    return melody + chord + _noise(rng, melody.size / RATE, 0.002)


def hold_music(rng) -> np.ndarray:
    """Richer hold music: staccato sawtooth-like chords (ten partials each) with a slight vibrato,
    in phrases with pauses, so the line's floor is low between notes."""
    chords = [(262, 330, 392), (294, 349, 440), (330, 392, 494), (262, 330, 392), (220, 277, 330), (247, 294, 370)]
    out = []
    for i in range(24):
        root = chords[i % len(chords)]
        dur = 0.42
        t = np.arange(int(dur * RATE)) / RATE
        env = np.minimum(1.0, t / 0.015) * np.exp(-t * 4.0)
        vib = 1.0 + 0.004 * np.sin(2 * np.pi * 5.5 * t)
        note = sum(
            sum(np.sin(2 * np.pi * f * (k + 1) * np.cumsum(vib) / RATE) / (k + 1) for k in range(10)) for f in root
        )
        out.append(0.08 * env * note)
        out.append(np.zeros(int((0.6 if i % 6 == 5 else 0.08) * RATE)))
    x = np.concatenate(out)
    return x + _noise(rng, x.size / RATE, 0.002)


def hang_up(rng) -> np.ndarray:
    """The caller listened to the greeting and hung up: line noise, a click, the reorder tone."""
    x = _bandpass(_noise(rng, 6.6, 0.02), 300, 3400)
    _click(x, 4.1, 0.5, rng)
    reorder = _tone([480, 620], 2.0, 0.25)
    gate = (np.arange(reorder.size) // (RATE // 4)) % 2 == 0
    x[-reorder.size :] += reorder * gate
    return x


def near_silence(rng) -> np.ndarray:
    """A pocket dial with the microphone covered: very faint rumble."""
    return _lowpass(_noise(rng, 7.0, 0.004), 200) + _noise(rng, 7.0, 0.0005)


CLIPS = {
    "line_noise": line_noise,
    "clicks": clicks,
    "hum": hum,
    "breathing": breathing,
    "dial_tone": dial_tone,
    "busy_tone": busy_tone,
    "music_on_hold": music_on_hold,
    "hold_music": hold_music,
    "hang_up": hang_up,
    "near_silence": near_silence,
}


def write(name: str, out_dir: Path, *, seed: int = 7) -> Path:
    """Synthesise clip `name` and write it as an 8 kHz mu-law WAV through ffmpeg (phone band)."""
    rng = np.random.default_rng(seed + sorted(CLIPS).index(name))
    x = np.clip(CLIPS[name](rng), -1.0, 1.0)
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = out_dir / f"{name}.pcm16.wav"
    with wave.open(str(raw), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((x * 32767).astype("<i2").tobytes())
    out = out_dir / f"{name}.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(raw), "-af", "highpass=f=100,lowpass=f=3600",
         "-ar", str(RATE), "-ac", "1", "-c:a", "pcm_mulaw", str(out)],
        check=True, capture_output=True,
    )
    raw.unlink()
    return out


def write_all(out_dir: Path) -> dict[str, Path]:
    return {name: write(name, out_dir) for name in CLIPS}


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "noise-clips")
    for name, path in write_all(target).items():
        print(name, path)
