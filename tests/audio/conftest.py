"""Fixtures for the audio tests: generated test signals and a private PulseAudio server with a null sink.

The server runs with its own HOME and XDG_RUNTIME_DIR under a temporary folder (never the user's),
exposes an anonymous unix socket, and is killed at the end. Clients in this process reach it
through PULSE_SERVER, which the fixtures set and restore.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from audio_testlib import RATE, ffmpeg_tone


@pytest.fixture(scope="session")
def signals(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("signals")
    return {
        # the known test signal: 2 s 440 Hz then 1 s 880 Hz
        "tone": ffmpeg_tone(d / "tone.wav", [(440, 2.0), (880, 1.0)]),
        "short": ffmpeg_tone(d / "short.wav", [(440, 1.0), (880, 0.5)]),
        "mp3": ffmpeg_tone(d / "tone.mp3", [(440, 2.0), (880, 1.0)], rate=44100, codec_args=("-b:a", "96k")),
        "garbage": _garbage(d / "garbage.mp3"),
    }


def _garbage(path: Path) -> Path:
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    return path


# ------------------------------------------------------------------------------ PulseAudio
class PulseServer:
    def __init__(self, root: Path, sink_name: str = "nullsink") -> None:
        self.root = root
        self.sink_name = sink_name
        self.home = root / "home"
        self.xdg = root / "xdg"
        self.socket = root / "native"
        self.log = root / "pa.log"
        self.address = f"unix:{self.socket}"
        self.pid: int | None = None

    @property
    def env(self) -> dict[str, str]:
        return dict(os.environ, HOME=str(self.home), XDG_RUNTIME_DIR=str(self.xdg), PULSE_SERVER=self.address)

    def start(self) -> PulseServer:
        for d in (self.home, self.xdg):
            d.mkdir(parents=True, exist_ok=True)
            d.chmod(0o700)
        cmd = [
            "pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1", "--disallow-exit=yes",
            "--use-pid-file=yes", f"--log-target=file:{self.log}",
            "-L", f"module-null-sink sink_name={self.sink_name} rate={RATE}",
            "-L", f"module-native-protocol-unix auth-anonymous=1 socket={self.socket}",
            "-L", "module-always-sink",
        ]
        subprocess.run(cmd, env=self.env, check=True, timeout=30, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            r = subprocess.run(["pactl", "info"], env=self.env, capture_output=True, text=True, timeout=10)
            if r.returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"the test PulseAudio server did not come up (see {self.log})")
        pidfile = self.xdg / "pulse" / "pid"
        self.pid = int(pidfile.read_text().split()[0])
        # An idle null sink sleeps in long blocks and starts new streams up to ~2 s late; a
        # low-latency listener on its monitor keeps it clocked like a real device.
        self._keepalive = self.record(Path("/dev/null"))
        return self

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
        keepalive = getattr(self, "_keepalive", None)
        if keepalive is not None and keepalive.poll() is None:
            keepalive.kill()
            keepalive.wait(timeout=5)
        if self.pid is not None:
            subprocess.run(["pulseaudio", "--kill"], env=self.env, timeout=10, capture_output=True)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            self.kill()

    def record(self, path: Path) -> subprocess.Popen:
        """Start parec on the null sink's monitor writing raw s16le mono at RATE to `path`."""
        fh = open(path, "wb")
        proc = subprocess.Popen(
            ["parec", "-d", f"{self.sink_name}.monitor", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1",
             "--latency-msec=5"],
            stdout=fh, stderr=subprocess.DEVNULL, env=self.env,
        )
        fh.close()
        return proc


def _need_pulse() -> None:
    missing = [b for b in ("pulseaudio", "pactl", "parec") if shutil.which(b) is None]
    if missing:  # in CI a missing tool is a missing install step, not a reason to skip
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            f"PulseAudio tests need {', '.join(missing)} (apt-get install pulseaudio pulseaudio-utils)")


class _EnvPatch:
    def __init__(self, **values: str) -> None:
        self.values = values
        self.saved = {k: os.environ.get(k) for k in values}

    def __enter__(self) -> None:
        os.environ.update(self.values)

    def __exit__(self, *exc: object) -> None:
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _short_root(tmp_path_factory, name: str) -> Path:
    # unix socket paths are limited to ~107 bytes; pytest's tmp paths can be longer.
    root = tmp_path_factory.mktemp(name)
    if len(str(root / "native")) > 100:
        import tempfile

        root = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    return root


@pytest.fixture(scope="module")
def pulse_server(tmp_path_factory):
    """A running private PulseAudio server with a null sink; PULSE_SERVER points at it meanwhile."""
    _need_pulse()
    server = PulseServer(_short_root(tmp_path_factory, "pulse")).start()
    try:
        with _EnvPatch(PULSE_SERVER=server.address):
            yield server
    finally:
        server.stop()


@pytest.fixture
def make_pulse_server(tmp_path_factory):
    """Factory for extra servers (to kill one, or with an `auto_null` sink); all stopped at the end."""
    _need_pulse()
    servers: list[PulseServer] = []

    def make(sink_name: str = "nullsink") -> PulseServer:
        server = PulseServer(_short_root(tmp_path_factory, "pulsex"), sink_name=sink_name).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def pulse_env():
    """Use as `with pulse_env(server): ...` to point this process at a given server."""

    def use(server: PulseServer) -> _EnvPatch:
        return _EnvPatch(PULSE_SERVER=server.address)

    return use


