"""Fixtures for the audio tests: generated test signals and a private PulseAudio server with a null sink.

The server runs with its own HOME and XDG_RUNTIME_DIR under a temporary folder (never the user's),
exposes an anonymous unix socket, and is killed at the end. Clients in this process reach it
through PULSE_SERVER, which the fixtures set and restore.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from audio_testlib import PulseServer, ffmpeg_tone

from tests import needs


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
def _need_pulse() -> None:
    missing = [b for b in ("pulseaudio", "pactl", "parec") if shutil.which(b) is None]
    if missing:  # after the set-up a missing tool is a missing install step, not a reason to skip
        needs.missing(f"PulseAudio tests need {', '.join(missing)}")


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


