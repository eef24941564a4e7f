"""Sound over SSH: key-to-first-sample latency and position error, locally and through a tunnel.

Run:  .venv/bin/python bench/ssh_audio.py [--runs 5]

One run of this script sets up, privately and on loopback: a PulseAudio server with a null sink
(the "laptop"), an sshd on 127.0.0.1 with throwaway keys, and the README recipe for listening over
SSH (a unix-socket reverse forward, PULSE_COOKIE, enable-shm = no). The same 3 s test signal
(2 s 440 Hz + 1 s 880 Hz) is then played, alternately:

  local    the player in a child process on the laptop's own socket (default buffer: 100 ms)
  local500 the same with the buffer a tunnel gets (500 ms): separates buffer effects from the tunnel
  tunnel   the same child started with `ssh -R`, PULSE_SERVER = the forwarded socket (buffer 500 ms)

The child opens the output the app would (`[audio] output = "auto"`), loads the signal and waits
for a key on stdin; the bench writes the key (through ssh in the tunnel case) and records the
sink's monitor with parec. All processes share one machine, hence one monotonic clock.

  key->first sample   the key written  ->  the first loud sample played by the sink
  play()->first       the child's play() call  ->  the same sample (the key's trip excluded)
  position error      player position_s minus what the sink had played at that moment
                      (+ = the player claims more than was played); median and min..max over
                      the middle of the signal, polled every 20 ms
  gap / length        the longest silent gap inside the signal and its recorded length

Anchors measured in the same run: `pactl info` round trip, locally and through the tunnel.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


# ------------------------------------------------------------------------------------- the child
def child(path: str, poll_s: float, buffer_ms: int | None) -> int:
    """Runs where the app would run: open the output, load, wait for the key, play, report."""
    from tui.audio.outputs import open_output
    from tui.audio.player import Player

    output = open_output("auto", buffer_ms=buffer_ms)
    player = Player(output)
    player.load(path)
    snap = player.sync()
    print(json.dumps({"ready": True, "output": output.describe(), "buffer_ms": output.buffer_ms,
                      "duration_s": snap.duration_s}), flush=True)
    sys.stdin.readline()
    t_play = time.monotonic()
    player.play()
    samples = []
    deadline = t_play + (snap.duration_s or 10) + 5
    while time.monotonic() < deadline:
        s = player.snapshot()
        samples.append((time.monotonic(), s.position_s, s.state))
        if s.state in ("ended", "failed") or s.reached_end:
            break
        time.sleep(poll_s)
    final = player.snapshot()
    player.close()
    print(json.dumps({"t_play": t_play, "samples": samples, "state": final.state, "error": final.error,
                      "reached_end": final.reached_end}), flush=True)
    return 0


# ------------------------------------------------------------------------------------ the parent
def render_offset(marks: list[tuple[int, float]], lo: int, hi: int, rate: int) -> float:
    """Time of sample 0 on the monotonic clock: the lower envelope of (arrival - index/rate).

    A chunk arrives at parec only after its last sample was played, so every mark gives an upper
    bound of the true offset; the smallest one over the signal is the best estimate.
    """
    values = [arrived - (total - 1) / rate for total, arrived in marks if lo <= total <= hi + rate]
    return min(values)


def measure(mode: str, cmd: list[str], env: dict[str, str] | None, laptop, tone: Path, save: Path | None) -> dict:
    from tests.e2e.ssh_harness import RATE, Heard

    rec = laptop.recorder()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{mode}: the child failed: {proc.stderr.read()[-800:]}")
        ready = json.loads(line)
        time.sleep(0.3)
        t_key = time.monotonic()
        proc.stdin.write("\n")
        proc.stdin.flush()
        report = json.loads(proc.stdout.readline())
        proc.wait(timeout=20)
        time.sleep(0.3)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        samples = rec.stop()
    heard = Heard.of(samples)
    if heard.end <= heard.start:
        raise RuntimeError(f"{mode}: nothing was recorded ({report.get('error')})")
    offset = render_offset(rec.time_of_sample_count(), heard.start, heard.end, RATE)
    t_first = offset + heard.start / RATE
    duration = heard.length_s
    errors, fresh = [], []
    previous = None
    for t, pos, state in report["samples"]:
        new = pos != previous
        previous = pos
        if state != "playing" or not 0.2 <= pos <= duration - 0.2:
            continue
        error = 1000 * (pos - (t - t_first))
        errors.append(error)
        if new:
            fresh.append(error)  # the first poll (2 ms) that saw this position: what the output reported
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        (save / f"{mode}-{len(list(save.iterdir()))}.raw").write_bytes(samples.tobytes())
    return {
        "mode": mode, "output": ready["output"], "buffer_ms": ready["buffer_ms"],
        "key_ms": 1000 * (t_first - t_key), "play_ms": 1000 * (t_first - report["t_play"]),
        "fresh_med": statistics.median(fresh) if fresh else float("nan"),
        "fresh_min": min(fresh) if fresh else float("nan"), "fresh_max": max(fresh) if fresh else float("nan"),
        "gap_at_s": heard.gap_at_s if heard.gap_ms > 20 else None,
        "err_med": statistics.median(errors) if errors else float("nan"),
        "err_min": min(errors) if errors else float("nan"), "err_max": max(errors) if errors else float("nan"),
        "gap_ms": heard.gap_ms, "length_s": heard.length_s, "reached_end": report["reached_end"],
    }


def pactl_rtt(env: dict[str, str] | None, cmd: list[str], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True, timeout=30, check=True)
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--child", metavar="AUDIO", help=argparse.SUPPRESS)
    ap.add_argument("--poll", type=float, default=0.002, help=argparse.SUPPRESS)
    ap.add_argument("--buffer-ms", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--save", type=Path, help="keep each recording (raw s16le 48 kHz mono) in this folder")
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.poll, args.buffer_ms)

    from tests.e2e.ssh_harness import PulseServer, RemoteHome, Sshd, ffmpeg_tone, missing_tools, short_root, ssh_command

    missing = missing_tools()
    if missing:
        print("needs: " + ", ".join(missing), file=sys.stderr)
        return 2
    root = short_root("vmbench-")
    laptop = PulseServer(root).start()
    sshd = Sshd(root).start()
    try:
        remote = RemoteHome(root, socket=root / "remote-home" / ".pulse-laptop.sock")
        remote.copy_cookie(laptop)
        tone = ffmpeg_tone(root / "tone.wav", [(440, 2.0), (880, 1.0)])
        me = [sys.executable, str(Path(__file__).resolve()), "--child", str(tone)]
        local_env = laptop.local_env()
        tunnel_cmd = ssh_command(sshd, laptop, remote, *me, tty=False)
        anchors = {
            "local": pactl_rtt(local_env, ["pactl", "info"]),
            "tunnel": pactl_rtt(None, ssh_command(sshd, laptop, remote, "pactl", "info", tty=False)),
            "ssh": pactl_rtt(None, [*sshd.client_args(), "-T", sshd.target, "true"]),
        }
        commands = {
            "local": (me, local_env),
            "local500": ([*me, "--buffer-ms", "500"], local_env),
            "tunnel": (tunnel_cmd, None),
        }
        rows = []
        for i in range(args.runs):
            order = list(commands) if i % 2 == 0 else list(reversed(commands))
            for mode in order:
                cmd, env = commands[mode]
                rows.append(measure(mode, cmd, env, laptop, tone, args.save))
    finally:
        sshd.stop()
        laptop.stop()
        subprocess.run(["rm", "-rf", str(root)], check=False)

    print(f"anchors (median of 3): pactl info local {anchors['local']:.0f} ms, through the tunnel (ssh login + "
          f"pactl) {anchors['tunnel']:.0f} ms, bare ssh login {anchors['ssh']:.0f} ms\n")
    head = (f"{'path':<8} {'output':<20} {'buf':>4} {'key->1st':>9} {'play->1st':>9} {'err@update':>11} "
            f"{'min..max':>10} {'lag med':>8} {'max lag':>8} {'gap':>10} {'length':>7}")
    print(head)
    print("-" * len(head))
    for mode in ("local", "local500", "tunnel"):
        rs = [r for r in rows if r["mode"] == mode]
        for r in rs:
            gap = f"{r['gap_ms']}ms" + (f"@{r['gap_at_s']:.2f}s" if r["gap_at_s"] is not None else "")
            print(f"{mode:<8} {r['output'][:20]:<20} {r['buffer_ms']:>4} {r['key_ms']:>7.0f}ms {r['play_ms']:>7.0f}ms "
                  f"{r['fresh_med']:>+9.1f}ms {r['fresh_min']:>+4.0f}..{r['fresh_max']:<+4.0f} {r['err_med']:>+6.0f}ms "
                  f"{r['err_min']:>+6.0f}ms {gap:>10} {r['length_s']:>6.3f}s")
        print(f"{mode + ' median':<34} {statistics.median(r['key_ms'] for r in rs):>7.0f}ms "
              f"{statistics.median(r['play_ms'] for r in rs):>7.0f}ms {statistics.median(r['fresh_med'] for r in rs):>+9.1f}ms"
              f"{'':>11} {statistics.median(r['err_med'] for r in rs):>+6.0f}ms"
              f"   gaps over 20 ms: {sum(r['gap_ms'] > 20 for r in rs)}/{len(rs)}\n")
    print("err@update: player position minus what the sink had played, at the moment a new position was reported\n"
          "lag: the same at any moment (the position advances per audio callback, never ahead of the sound)")
    loc = statistics.median(r["play_ms"] for r in rows if r["mode"] == "local")
    tun = statistics.median(r["play_ms"] for r in rows if r["mode"] == "tunnel")
    print(f"ratio tunnel/local play->first sample: {tun / loc:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
