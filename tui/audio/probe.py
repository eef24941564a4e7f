"""Is there a sound server that will really play? Asked with `pactl info` under a hard timeout.

A frozen server (a stalled SSH tunnel) makes PortAudio, pacat and ffplay hang for tens of seconds,
so the app asks here first. Every failure is one sentence the user can act on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

HELP = "see README: Listening over SSH"
# Through a forwarded unix socket to a PulseAudio laptop, a client that wants shared memory fails:
# the laptop's memfd cannot cross the tunnel. The failure comes with a packet that races the reply
# to `pactl info` (on the test rig, 30 asks: 16 "Protocol error", 12 "Connection terminated", 2
# answered; asking again or holding the connection 0.4 s did not settle it). So no answer decides:
# through an `ssh -R` forwarded socket (forwarded_by_ssh) an answer is only believed when this
# machine's libpulse has shared memory off (shm_enabled), or the laptop is PipeWire, which needs
# neither; and a terminated handshake there is reported as the same missing setting.


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    server: str | None  # where the client looks (PULSE_SERVER or the default socket)
    sink: str | None  # the default sink's name when the server answered
    reason: str | None  # one sentence when not ok
    kind: str = "ok"  # ok | no_pactl | no_server | denied | timeout | auto_null | no_sink | error


def server_address() -> str:
    """Where libpulse will connect: PULSE_SERVER, else the per-user runtime socket."""
    env = os.environ.get("PULSE_SERVER", "").strip()
    if env:
        return env
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return f"unix:{runtime}/pulse/native"


def looks_like_tunnel(server: str | None = None) -> bool:
    """True when PULSE_SERVER points somewhere other than the local per-user socket (SSH forward, TCP)."""
    server = server if server is not None else os.environ.get("PULSE_SERVER", "").strip()
    if not server:
        return False
    for part in server.split():
        part = part.strip("{}")
        if part.startswith("tcp:") or part.startswith("tcp6:"):
            return True
        if part.startswith("unix:"):
            path = part[5:]
            runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
            if not path.startswith(runtime.rstrip("/") + "/pulse/"):
                return True
        elif part and not part.startswith("/"):
            return True  # bare host name
    return False


def _unix_path(server: str) -> str | None:
    parts = server.split()
    if len(parts) != 1:
        return None
    part = parts[0]
    if part.startswith("unix:"):
        return part[5:]
    if part.startswith("/"):
        return part
    return None


def probe(timeout_s: float = 3.0) -> ProbeResult:
    """Ask the sound server who it is and where it plays; never takes much longer than `timeout_s`."""
    server = server_address()
    path = _unix_path(server)
    if path is not None and not os.path.exists(path):
        return ProbeResult(False, server, None, f"No sound server answers at {server} — {HELP}", "no_server")
    pactl = shutil.which("pactl")
    if not pactl:
        return ProbeResult(
            False, server, None, "pactl is missing (install pulseaudio-utils) so the sound server cannot be checked", "no_pactl"
        )
    env = dict(os.environ, LC_ALL="C", LANG="C")
    # Output goes to files, not pipes: an autospawned daemon could inherit a pipe and keep it open.
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(
                [pactl, "info"], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                start_new_session=True,
            )
        except OSError as exc:
            return ProbeResult(False, server, None, f"pactl could not run: {exc}", "error")
        deadline = time.monotonic() + timeout_s
        rc = None
        while True:
            rc = proc.poll()
            if rc is not None or time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        if rc is None:
            proc.kill()
            try:
                proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
            return ProbeResult(
                False, server, None,
                f"The sound server at {server} did not answer within {timeout_s:g} s (a frozen tunnel?) — {HELP}",
                "timeout",
            )
        out.seek(0)
        text = out.read(65536).decode("utf-8", "replace")
    return _interpret(text, rc, server)


def _interpret(text: str, rc: int, server: str) -> ProbeResult:
    path = _unix_path(server)
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    low = text.lower()
    if rc != 0 or "connection failure" in low:
        if "access denied" in low:
            return ProbeResult(
                False, server, None, f"The sound server at {server} refused access (copy its cookie and set PULSE_COOKIE) — {HELP}", "denied"
            )
        if "protocol error" in low or ("connection terminated" in low and path and looks_like_tunnel(server)):
            # A PulseAudio laptop through a forwarded socket: the client tried shared memory.
            return ProbeResult(
                False, server, None,
                f"The sound server at {server} answered with a protocol error: set enable-shm = no in "
                f"~/.config/pulse/client.conf on this machine — {HELP}",
                "protocol",
            )
        if "timeout" in low:
            return ProbeResult(
                False, server, None, f"The sound server at {server} did not answer in time (a frozen tunnel?) — {HELP}", "timeout"
            )
        if "refused" in low or "no such" in low or "connection failure" in low:
            return ProbeResult(False, server, None, f"No sound server answers at {server} — {HELP}", "no_server")
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), f"exit status {rc}")
        return ProbeResult(False, server, None, f"The sound server at {server} could not be asked: {first[:160]}", "error")
    actual = fields.get("Server String") or server
    sink = fields.get("Default Sink")
    if not sink or sink in ("(null)", "@DEFAULT_SINK@"):
        return ProbeResult(False, actual, None, f"The sound server at {actual} has no output (no default sink)", "no_sink")
    if sink == "auto_null":
        return ProbeResult(
            False, actual, sink,
            f"The sound server at {actual} only has the auto_null sink: nothing would be heard — {HELP}",
            "auto_null",
        )
    if path and looks_like_tunnel(server) and "pipewire" not in fields.get("Server Name", "").lower() \
            and shm_enabled() and forwarded_by_ssh(path):
        # The answer may have raced the failure (see the note at the top): the client's setting decides.
        return ProbeResult(
            False, actual, sink,
            f"The sound server at {actual} is reached through a forwarded socket with shared memory on: "
            f"set enable-shm = no in ~/.config/pulse/client.conf on this machine — {HELP}",
            "protocol",
        )
    return ProbeResult(True, actual, sink, None, "ok")


def forwarded_by_ssh(path: str) -> bool:
    """True when the unix socket listening at `path` is held by an sshd: an `ssh -R` forward (a local
    server's socket, or one whose holder this user cannot see, is not). Read from /proc."""
    try:
        with open("/proc/net/unix", encoding="utf-8", errors="replace") as handle:
            next(handle, None)
            inodes = {f"socket:[{parts[6]}]" for parts in map(str.split, handle)
                      if len(parts) >= 8 and parts[7] == path and parts[3] == "00010000"}  # listening
        if not inodes:
            return False
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
                if any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in fds):
                    with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as comm:
                        return comm.read().strip().startswith("sshd")
            except OSError:
                continue
    except OSError:
        return False
    return False


def shm_enabled() -> bool:
    """Whether libpulse on this machine will offer shared memory: `enable-shm` as its client.conf
    files set it ($PULSE_CLIENTCONFIG alone when set; else /etc/pulse/client.conf, its client.conf.d
    and then the user's file, later lines winning). Default: yes."""
    configured = os.environ.get("PULSE_CLIENTCONFIG")
    if configured:
        files = [configured]
    else:
        home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        drop_ins = "/etc/pulse/client.conf.d"
        extra = sorted(os.path.join(drop_ins, n) for n in os.listdir(drop_ins) if n.endswith(".conf")) \
            if os.path.isdir(drop_ins) else []
        files = ["/etc/pulse/client.conf", *extra, os.path.join(home, "pulse", "client.conf")]
    enabled = True
    for name in files:
        try:
            with open(name, encoding="utf-8", errors="replace") as handle:
                lines = handle.read(65536).splitlines()
        except OSError:
            continue
        for line in lines:
            key, sep, value = line.split("#", 1)[0].split(";", 1)[0].partition("=")
            if sep and key.strip() == "enable-shm":
                enabled = value.strip().lower() not in ("no", "false", "0", "off")
    return enabled
