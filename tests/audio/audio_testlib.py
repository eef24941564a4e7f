"""Helpers shared by the audio tests: test-signal generation and recording analysis."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np

from tests.corpus import samples_dir

REPO = Path(__file__).resolve().parents[2]
SAMPLES = samples_dir()
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


def _window_peaks(samples: np.ndarray, rate: int) -> np.ndarray:
    win = rate // 1000
    n = len(samples) // win
    return np.abs(samples[: n * win].astype(np.int32)).reshape(n, win).max(axis=1)


def loud_ms(samples: np.ndarray, rate: int, threshold: int = 200) -> int:
    """How much signal a recording holds: the 1 ms windows whose peak reaches `threshold`. Unlike
    the span from first to last loud sample, gaps (a starved output) do not lengthen it."""
    return int(np.count_nonzero(_window_peaks(samples, rate) >= threshold))


def gaps_ms(samples: np.ndarray, rate: int, threshold: int = 200) -> list[int]:
    """The runs of silent 1 ms windows inside the signal (between its first and last loud sample)."""
    start, end = signal_span(samples)
    runs, run = [], 0
    for silent in _window_peaks(samples[start:end], rate) < threshold:
        if silent:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    return runs


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


class PulseServer:
    """A private PulseAudio server with one null sink, its own HOME and XDG_RUNTIME_DIR.

    `cookie_auth=False`: an anonymous socket at ROOT/native (the audio tests' server).
    `cookie_auth=True`: the default per-user socket with cookie authentication, as on a laptop
    (the SSH end-to-end test's listener).
    """

    def __init__(self, root: Path, sink_name: str = "nullsink", *, cookie_auth: bool = False) -> None:
        self.root = root
        self.sink_name = sink_name
        self.cookie_auth = cookie_auth
        self.home = root / "pa-home"
        self.xdg = root / "pa-xdg"
        self.socket = self.xdg / "pulse" / "native" if cookie_auth else root / "native"
        self.log = root / "pa.log"
        self.address = f"unix:{self.socket}"
        self.pid: int | None = None
        self._keepalive: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        return dict(os.environ, HOME=str(self.home), XDG_RUNTIME_DIR=str(self.xdg), PULSE_SERVER=self.address)

    @property
    def cookie(self) -> Path:
        return self.home / ".config" / "pulse" / "cookie"

    def start(self) -> PulseServer:
        for d in (self.home, self.xdg, self.xdg / "pulse"):
            d.mkdir(parents=True, exist_ok=True)
            d.chmod(0o700)
        auth = "" if self.cookie_auth else "auth-anonymous=1 "
        cmd = [
            "pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1", "--disallow-exit=yes",
            "--use-pid-file=yes", f"--log-target=file:{self.log}",
            "-L", f"module-null-sink sink_name={self.sink_name} rate={RATE}",
            "-L", f"module-native-protocol-unix {auth}socket={self.socket}",
            "-L", "module-always-sink",
        ]
        subprocess.run(cmd, env=self.env, check=True, timeout=30, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            r = subprocess.run(["pactl", "info"], env=self.env, capture_output=True, text=True, timeout=10, check=False)
            if r.returncode == 0 and (self.cookie.exists() or not self.cookie_auth):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"the test PulseAudio server did not come up (see {self.log})")
        self.pid = int((self.xdg / "pulse" / "pid").read_text().split()[0])
        # An idle null sink sleeps in long blocks and starts new streams up to ~2 s late; a
        # low-latency listener on its monitor keeps it clocked like a real device.
        self._keepalive = self.record(Path("/dev/null"))
        return self

    def parec_cmd(self) -> list[str]:
        """parec on the null sink's monitor: raw s16le mono at RATE, low latency."""
        return ["parec", "-d", f"{self.sink_name}.monitor", "--raw", "--format=s16le", f"--rate={RATE}",
                "--channels=1", "--latency-msec=5"]

    def record(self, path: Path) -> subprocess.Popen:
        """Start parec writing what the sink plays to `path`; returns once the server lists its
        recording stream (a fixed sleep was too short on a busy machine: the signal's first 25 ms
        went unrecorded)."""
        before = self._recording_streams()
        with open(path, "wb") as fh:
            proc = subprocess.Popen(self.parec_cmd(), stdout=fh, stderr=subprocess.DEVNULL, env=self.env)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._recording_streams() - before:
                return proc
            time.sleep(0.02)
        proc.kill()
        raise AssertionError("parec never connected to the sound server")

    def _recording_streams(self) -> set[str]:
        listed = subprocess.run(["pactl", "list", "short", "source-outputs"], capture_output=True, text=True,
                                env=self.env, timeout=10)
        return {line.split()[0] for line in listed.stdout.splitlines() if line.strip()}

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-stream, as when a tunnel or the daemon dies."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.pid = None

    def freeze(self) -> None:
        """SIGSTOP: the server still holds its connections but never answers (a stalled tunnel)."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.pid is not None:
            os.kill(self.pid, signal.SIGCONT)

    def stop(self) -> None:
        self.thaw()
        if self._keepalive is not None and self._keepalive.poll() is None:
            self._keepalive.kill()
            self._keepalive.wait(timeout=5)
        if self.pid is not None:
            subprocess.run(["pulseaudio", "--kill"], env=self.env, timeout=10, capture_output=True, check=False)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            self.kill()
