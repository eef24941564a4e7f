"""Real parts for the over-SSH tests and bench: a private PulseAudio server with a null sink, an sshd
on 127.0.0.1 with throwaway keys, a timestamped recorder of the sink's monitor, a watcher of the
library's `listened_at`, and the app started through `ssh -t` inside tmux.

Everything lives under one short temporary folder (unix socket paths are limited to ~107 bytes) and
is stopped by pid at the end. Nothing here reads or writes the user's HOME, sound server or keys.

The SSH side follows the recipe in README "Listening over SSH": a unix-socket reverse forward
(`ssh -R REMOTE_SOCKET:LOCAL_PULSE_SOCKET`), `StreamLocalBindUnlink yes` in sshd_config, the
laptop's cookie copied and named by PULSE_COOKIE, and `enable-shm = no` in the server-side
client.conf (without it PulseAudio refuses the tunnelled stream with "Protocol error").
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .tmux import quote

REPO = Path(__file__).resolve().parents[2]
RATE = 48000
SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)


def _load_audio_testlib():
    """The signal helpers of tests/audio (tone generation, dominant frequency, gaps), loaded by path."""
    path = REPO / "tests" / "audio" / "audio_testlib.py"
    spec = importlib.util.spec_from_file_location("ssh_audio_testlib", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


testlib = _load_audio_testlib()
ffmpeg_tone = testlib.ffmpeg_tone
window_freqs = testlib.window_freqs
signal_span = testlib.signal_span
longest_gap_ms = testlib.longest_gap_ms
loud_ms = testlib.loud_ms
gaps_ms = testlib.gaps_ms


def missing_tools() -> list[str]:
    need = {"pulseaudio": "pulseaudio", "pactl": "pulseaudio-utils", "parec": "pulseaudio-utils",
            "ssh": "openssh-client", "ssh-keygen": "openssh-client", "tmux": "tmux", "ffmpeg": "ffmpeg"}
    missing = [f"{tool} ({pkg})" for tool, pkg in need.items() if shutil.which(tool) is None]
    if SSHD is None:
        missing.append("sshd (openssh-server)")
    return missing


def short_root(prefix: str = "vmssh-") -> Path:
    """A private folder with a short path, for unix sockets."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _end(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 5 s; waits for the process either way."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


# ------------------------------------------------------------------------------------- PulseAudio
class PulseServer(testlib.PulseServer):
    """The listener's ("laptop's") sound server: cookie authentication, one null sink."""

    def __init__(self, root: Path, sink_name: str = "nullsink") -> None:
        super().__init__(root, sink_name, cookie_auth=True)

    def local_env(self) -> dict[str, str]:
        """A client on the laptop itself: default socket and cookie, no PULSE_SERVER."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
        env.update(HOME=str(self.home), XDG_RUNTIME_DIR=str(self.xdg))
        return env

    def recorder(self) -> Recorder:
        return Recorder(self.parec_cmd(), self.env)


class Recorder:
    """parec on the sink's monitor, read in ~5 ms chunks; each chunk is stamped with its arrival time.

    `render_time(i)` estimates when sample i was played by the sink: the arrival of its chunk minus
    the samples that follow it in that chunk. The stamps only ever make a sample look *later*
    than it was played (arrival >= render), never earlier.
    """

    CHUNK = RATE // 200 * 2  # 5 ms of s16le mono

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
        self._buf = bytearray()
        self._marks: list[tuple[int, float]] = []  # (total samples after this chunk, arrival time)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, self.CHUNK)
            except OSError:
                return
            now = time.monotonic()
            if not data:
                return
            with self._lock:
                self._buf += data
                self._marks.append((len(self._buf) // 2, now))

    def samples(self) -> np.ndarray:
        with self._lock:
            n = len(self._buf) // 2 * 2
            return np.frombuffer(bytes(self._buf[:n]), dtype="<i2").copy()

    def render_time(self, index: int) -> float:
        with self._lock:
            marks = list(self._marks)
        for total, arrived in marks:
            if total > index:
                return arrived - (total - 1 - index) / RATE
        raise IndexError(f"sample {index} has not been recorded")

    def time_of_sample_count(self) -> list[tuple[int, float]]:
        with self._lock:
            return list(self._marks)

    def stop(self) -> np.ndarray:
        _end(self.proc)
        self._thread.join(timeout=5)
        return self.samples()


@dataclass
class Heard:
    """What the recording holds: where the signal is, how long, the longest gap (and where it
    starts, in seconds into the signal), the dominant frequency per 0.5 s."""

    start: int
    end: int
    length_s: float
    gap_ms: int
    gap_at_s: float | None
    freqs: list[float]

    @classmethod
    def of(cls, samples: np.ndarray) -> Heard:
        start, end = signal_span(samples)
        body = samples[start:end]
        gap = longest_gap_ms(samples, RATE)
        return cls(start, end, (end - start) / RATE, gap, gap_at(body, RATE) if gap else None,
                   window_freqs(body, RATE))


def gap_at(body: np.ndarray, rate: int, threshold: int = 200) -> float:
    """Where the longest run of silent 1 ms windows in `body` starts, in seconds."""
    win = rate // 1000
    n = len(body) // win
    peaks = np.abs(body[: n * win].astype(np.int32)).reshape(n, win).max(axis=1)
    best = run = best_at = 0
    for i, silent in enumerate(peaks < threshold):
        run = run + 1 if silent else 0
        if run > best:
            best, best_at = run, i - run + 1
    return best_at / 1000


def expected_freqs(parts: list[tuple[float, float]], step_s: float = 0.5) -> list[float]:
    """The dominant frequency window_freqs should find in each slot of a clean recording of `parts`."""
    out = []
    total = sum(secs for _, secs in parts)
    for k in range(int(round(total / step_s))):
        centre = (k + 0.5) * step_s
        t = 0.0
        for freq, secs in parts:
            if t <= centre < t + secs:
                out.append(freq)
                break
            t += secs
    return out


def freqs_match(found: list[float], expected: list[float], tolerance_hz: float = 15) -> bool:
    return len(found) == len(expected) and all(abs(f - e) <= tolerance_hz for f, e in zip(found, expected))


# ------------------------------------------------------------------------------------------- sshd
class Sshd:
    """sshd on 127.0.0.1 (free port) with a throwaway host key and a throwaway user key."""

    def __init__(self, root: Path) -> None:
        self.root = root / "ssh"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.user = os.environ.get("USER") or _user_name()

    def start(self) -> Sshd:
        d = self.root
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in ("host_key", "user_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True, timeout=30)
        shutil.copy(d / "user_key.pub", d / "authorized_keys")
        (d / "authorized_keys").chmod(0o600)
        (d / "sshd_config").write_text(
            f"ListenAddress 127.0.0.1\nPort {self.port}\nHostKey {d / 'host_key'}\nPidFile {d / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {d / 'authorized_keys'}\n"
            + ("PermitRootLogin yes\n" if os.geteuid() == 0 else "")
            + "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
            "StreamLocalBindUnlink yes\nAllowStreamLocalForwarding yes\nPrintMotd no\nPrintLastLog no\n"
            "X11Forwarding no\nSubsystem sftp internal-sftp\n"
        )
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege-separation directory
        self.log = d / "sshd.log"
        self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config")],
                                     stdout=open(self.log, "wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.log.read_text()[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"sshd did not listen on port {self.port}: {self.log.read_text()[-500:]}")

    def client_args(self) -> list[str]:
        return [
            "ssh", "-p", str(self.port), "-i", str(self.root / "user_key"), "-F", "/dev/null",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ExitOnForwardFailure=yes",
            "-o", "ServerAliveInterval=15",
        ]

    @property
    def target(self) -> str:
        return f"{self.user}@127.0.0.1"

    def stop(self) -> None:
        if self.proc is not None:
            _end(self.proc)


def _user_name() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


# ------------------------------------------------------------------------------- the remote side
@dataclass
class RemoteHome:
    """The server-side account as the README recipe sets it up: client.conf, the copied cookie."""

    root: Path
    socket: Path  # where the reverse forward appears on the server
    cookie: Path = field(init=False)

    def __post_init__(self) -> None:
        self.home = self.root / "remote-home"
        pulse = self.home / ".config" / "pulse"
        pulse.mkdir(parents=True, exist_ok=True)
        for d in (self.home, self.home / ".config", pulse):
            d.chmod(0o700)
        (pulse / "client.conf").write_text("enable-shm = no\nautospawn = no\n")
        self.cookie = self.home / ".pulse-laptop-cookie"

    def copy_cookie(self, laptop: PulseServer) -> None:
        shutil.copy(laptop.cookie, self.cookie)
        self.cookie.chmod(0o600)

    def env(self) -> dict[str, str]:
        h = self.home
        return {
            "HOME": str(h), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
            "TERM": "xterm-256color", "XDG_CONFIG_HOME": str(h / ".config"), "XDG_DATA_HOME": str(h / "data"),
            "XDG_STATE_HOME": str(h / "state"), "XDG_RUNTIME_DIR": str(h / "run"),
            "PULSE_SERVER": f"unix:{self.socket}", "PULSE_COOKIE": str(self.cookie),
        }


def remote_command(env: dict[str, str], *argv: str) -> str:
    """A shell command line for the server: a clean environment, then argv."""
    (Path(env["XDG_RUNTIME_DIR"])).mkdir(mode=0o700, parents=True, exist_ok=True)
    return "env -i " + " ".join(f"{k}={quote(v)}" for k, v in env.items()) + " " + " ".join(quote(a) for a in argv)


def ssh_command(sshd: Sshd, laptop: PulseServer, remote: RemoteHome, *argv: str, tty: bool) -> list[str]:
    """`ssh [-t] -R REMOTE_SOCKET:LAPTOP_SOCKET user@127.0.0.1 '<env> argv'` as an argument list."""
    return [*sshd.client_args(), *(["-t"] if tty else ["-T"]), "-R", f"{remote.socket}:{laptop.socket}",
            sshd.target, remote_command(remote.env(), *argv)]


# ------------------------------------------------------------------------------------ the library
class ListenedWatch:
    """Polls the library (read-only SQLite) and notes when each message's listened_at first appears."""

    def __init__(self, db: Path, poll_s: float = 0.005) -> None:
        self.db = db
        self.poll_s = poll_s
        self.first_seen: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn = None
        while not self._stop.is_set():
            try:
                if conn is None:
                    if not self.db.exists():
                        time.sleep(self.poll_s)
                        continue
                    conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=0.05)
                rows = conn.execute("SELECT path FROM messages WHERE listened_at IS NOT NULL").fetchall()
                now = time.monotonic()
                for (path,) in rows:
                    self.first_seen.setdefault(path, now)
            except sqlite3.Error:
                pass
            time.sleep(self.poll_s)
        if conn is not None:
            conn.close()

    def wait(self, path: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path in self.first_seen:
                return self.first_seen[path]
            time.sleep(0.01)
        return None

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


def message_row(db: Path, path: str) -> dict:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM messages WHERE path = ?", (path,)).fetchone()
        return dict(row) if row else {}


def python() -> str:
    return sys.executable
