"""Audio latency bench: key-to-first-sample and seek latency for a 2-minute MP3.

Run:  .venv/bin/python bench/audio.py [--runs 7] [--mp3 FILE]

Times are reported next to anchors measured in the same run on the same machine, so the ratios
stay meaningful on a busy or slow host:
  anchor_spawn   ffmpeg process start to its first PCM byte on stdout (bare decode start)
  anchor_decode  `ffmpeg -i x.mp3 -f null -`: decoding the whole file (what a naive player waits for)
The player is measured through an instrumented null output (it plays in real time): "first sample"
is when the first frame reaches the output after the key press.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.audio.outputs import FileOutput, NullOutput  # noqa: E402
from tui.audio.player import Player  # noqa: E402
from tui.audio.stream import ffmpeg_path  # noqa: E402


class TimedNull(NullOutput):
    """Null output that notes when the first frame of each run arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.first_write = threading.Event()
        self.first_write_at = 0.0

    def start(self) -> None:
        super().start()
        self.first_write.clear()

    def write(self, pcm: bytes) -> None:
        if pcm and not self.first_write.is_set():
            self.first_write_at = time.perf_counter()
            self.first_write.set()
        super().write(pcm)


def make_mp3(path: Path) -> Path:
    subprocess.run(
        [ffmpeg_path(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=120",
         "-f", "lavfi", "-i", "anoisesrc=d=120:a=0.02", "-filter_complex", "amix=inputs=2", "-ac", "1",
         "-ar", "44100", "-b:a", "64k", str(path)],
        check=True, timeout=120,
    )
    return path


def anchor_spawn(mp3: Path) -> float:
    t = time.perf_counter()
    proc = subprocess.Popen([ffmpeg_path(), "-nostdin", "-v", "error", "-i", str(mp3), "-f", "s16le", "-"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    proc.stdout.read(1)
    elapsed = time.perf_counter() - t
    proc.kill()
    proc.wait()
    return elapsed


def anchor_decode(mp3: Path) -> float:
    t = time.perf_counter()
    subprocess.run([ffmpeg_path(), "-nostdin", "-v", "error", "-i", str(mp3), "-f", "null", "-"], check=True)
    return time.perf_counter() - t


def key_to_first_sample(mp3: Path, *, seek_to: float = 0.0) -> float:
    """load()+play() (Enter on a message) until the first frame reaches the output."""
    out = TimedNull()
    player = Player(out)
    try:
        t = time.perf_counter()
        player.load(mp3, start_s=seek_to)
        player.play()
        if not out.first_write.wait(10):
            raise RuntimeError(f"no audio within 10 s: {player.snapshot()}")
        return out.first_write_at - t
    finally:
        player.close()


def preloaded_key_to_first_sample(mp3: Path) -> float:
    """The app's path: the cursor rested on the message, so it was load()ed ahead (the decoder
    started and the player is paused with audio ready); then the key: play() to the first frame."""
    out = TimedNull()
    player = Player(out)
    try:
        player.load(mp3)
        deadline = time.perf_counter() + 10
        while player.snapshot().state != "paused":
            if time.perf_counter() > deadline:
                raise RuntimeError(f"not ready within 10 s: {player.snapshot()}")
            time.sleep(0.002)
        t = time.perf_counter()
        player.play()
        if not out.first_write.wait(10):
            raise RuntimeError(f"no audio within 10 s: {player.snapshot()}")
        return out.first_write_at - t
    finally:
        player.close()


def seek_latency(mp3: Path, delta: float) -> float:
    """While playing: seek(delta) until the first frame from the new position reaches the output."""
    out = TimedNull()
    player = Player(out)
    try:
        player.load(mp3, start_s=30.0)
        player.play()
        if not out.first_write.wait(10):
            raise RuntimeError("playback did not start")
        time.sleep(0.3)
        out.first_write.clear()
        t = time.perf_counter()
        player.seek(delta)
        if not out.first_write.wait(10):
            raise RuntimeError("no audio after the seek")
        return out.first_write_at - t
    finally:
        player.close()


def file_output_first_sample(mp3: Path, tmp: Path) -> float:
    out = FileOutput(tmp / "bench.wav")
    player = Player(out)
    try:
        t = time.perf_counter()
        player.load(mp3)
        player.play()
        while player.snapshot().position_s <= 0:
            if time.perf_counter() - t > 10:
                raise RuntimeError("no audio within 10 s")
            time.sleep(0.0005)
        return time.perf_counter() - t
    finally:
        player.close()


def make_long_wav(path: Path, seconds: int = 7200) -> Path:
    """A 2-hour 8 kHz mono WAV (a long phone recording): 115 MB on disk, 691 MB as 48 kHz PCM."""
    subprocess.run(
        [ffmpeg_path(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         f"sine=frequency=440:duration={seconds}:sample_rate=8000", "-ac", "1", "-c:a", "pcm_s16le", str(path)],
        check=True, timeout=300,
    )
    return path


_LONG_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[2])
from tui.audio.outputs import NullOutput
from tui.audio.player import Player

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024

out = NullOutput()
import pydub, numpy  # what the app has loaded anyway
before = status("VmRSS:")
player = Player(out)
player.load(sys.argv[1])
player.play()
time.sleep(2.0)
player.seek_to(3600.0)
time.sleep(2.0)
player.set_speed(1.5)
time.sleep(1.5)
player.seek(+5)
time.sleep(1.0)
player.seek_to(7190.0)
time.sleep(1.0)
snap = player.sync()
player.close()
print(json.dumps({"rss_before_mb": before, "hwm_mb": status("VmHWM:"), "position_s": snap.position_s,
                  "state": snap.state, "duration_s": snap.duration_s}))
"""


def long_file_memory(wav: Path) -> dict:
    """Peak RSS of a fresh process that plays a 2-hour file through the player (start, seek to 1 h,
    1.5x, +5 s, near the end) against its RSS before loading it."""
    proc = subprocess.run([sys.executable, "-c", _LONG_CHILD, str(wav), str(Path(__file__).resolve().parents[1])],
                          capture_output=True, text=True, timeout=120, check=True)
    import json

    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--mp3", type=Path, help="a ~2-minute MP3 (default: generated)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        mp3 = args.mp3 or make_mp3(tmp / "two-minutes.mp3")
        key_to_first_sample(mp3)  # warm caches (pydub import, page cache)
        rows: dict[str, list[float]] = {k: [] for k in (
            "anchor_spawn", "anchor_decode", "key_to_first_sample", "key_to_first_sample@60s",
            "seek +5s", "seek -5s", "file_output_position>0",
        )}
        for _ in range(args.runs):
            rows["anchor_spawn"].append(anchor_spawn(mp3))
            rows["anchor_decode"].append(anchor_decode(mp3))
            rows["key_to_first_sample"].append(key_to_first_sample(mp3))
            rows["key_to_first_sample@60s"].append(key_to_first_sample(mp3, seek_to=60.0))
            rows["seek +5s"].append(seek_latency(mp3, +5))
            rows["seek -5s"].append(seek_latency(mp3, -5))
            rows["file_output_position>0"].append(file_output_first_sample(mp3, tmp))
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"audio bench: 2-minute MP3, {args.runs} runs, medians")
    print(f"{'measure':28} {'median ms':>10} {'x spawn':>8} {'x decode':>9}")
    for k, v in med.items():
        print(f"{k:28} {v * 1000:10.1f} {v / med['anchor_spawn']:8.2f} {v / med['anchor_decode']:9.3f}")
    target = 0.200
    ok = med["key_to_first_sample"] <= target
    print(f"key to first sample {'within' if ok else 'ABOVE'} the {target * 1000:.0f} ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
