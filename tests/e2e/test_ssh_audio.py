"""Over SSH on loopback: the app runs on the "server" end of `ssh -t` inside tmux (80x24,
TERM=xterm-256color) and its sound travels back through a unix-socket reverse forward to the
"laptop's" PulseAudio, whose null sink is recorded with parec.

Set up exactly as README "Listening over SSH" says: sshd with StreamLocalBindUnlink, the forward
`-R REMOTE_SOCKET:LAPTOP_SOCKET`, PULSE_SERVER=unix:REMOTE_SOCKET, the laptop's cookie in
PULSE_COOKIE and `enable-shm = no` in the server-side client.conf; `[audio] output = "auto"`.
"""

from __future__ import annotations

import os
import re
import subprocess
import time

import pytest

from .ssh_harness import (
    RATE,
    Heard,
    ListenedWatch,
    PulseServer,
    RemoteHome,
    Sshd,
    expected_freqs,
    ffmpeg_tone,
    freqs_match,
    gaps_ms,
    loud_ms,
    message_row,
    missing_tools,
    python,
    short_root,
    ssh_command,
)
from tests import needs

from .tmux import Tmux

pytestmark = [pytest.mark.slow, pytest.mark.tmux, pytest.mark.pulse]

TONE = [(440, 2.0), (880, 1.0)]  # the known test signal: 2 s 440 Hz then 1 s 880 Hz
LONG = [(660, 14.0)]


@pytest.fixture
def rig():
    """Laptop PulseAudio + sshd + remote account, all private to this test; stopped by pid."""
    missing = missing_tools()
    if missing:  # after the set-up a missing tool is a missing install step, not a reason to skip
        needs.missing("the SSH audio test needs " + ", ".join(missing))
    root = short_root()
    laptop = PulseServer(root).start()
    sshd = None
    try:
        sshd = Sshd(root).start()
        remote = RemoteHome(root, socket=root / "remote-home" / ".pulse-laptop.sock")
        remote.copy_cookie(laptop)
        voicemail = root / "voicemail"
        voicemail.mkdir()
        tone = ffmpeg_tone(voicemail / "2026-11-20 10.00.00 +12025550143.wav", TONE)
        long = ffmpeg_tone(voicemail / "2026-11-19 09.00.00 +12025550178.wav", LONG)
        for f in (tone, long):
            f.chmod(0o444)
        voicemail.chmod(0o555)  # read-only, like a user's folder
        config = root / "config.toml"
        config.write_text(
            f'[sources]\nfolders = ["{voicemail}"]\nwatch = false\n\n[audio]\noutput = "auto"\n\n'
            "[transcription]\nenabled = false\n"
        )
        yield dict(root=root, laptop=laptop, sshd=sshd, remote=remote, config=config, db=root / "library.sqlite3",
                   tone=tone, long=long)
    finally:
        if sshd is not None:
            sshd.stop()
        laptop.stop()
        subprocess.run(["chmod", "-R", "u+w", str(root)], check=False)
        subprocess.run(["rm", "-rf", str(root)], check=False)


def app_argv(rig, *args: str) -> list[str]:
    return [python(), "-m", "tui", "--config", str(rig["config"]), "--db", str(rig["db"]), *args]


def test_doctor_over_ssh_names_the_tunnel_sink_and_buffer(rig):
    cmd = ssh_command(rig["sshd"], rig["laptop"], rig["remote"], *app_argv(rig, "doctor"), tty=False)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=rig["root"])
    audio = [line for line in r.stdout.splitlines() if line.split()[1:2] == ["audio"]]
    assert audio, r.stdout + r.stderr
    assert audio[0].startswith("ok"), r.stdout
    assert f"unix:{rig['remote'].socket}" in audio[0]
    assert "sink nullsink" in audio[0]
    assert "buffer 500 ms" in audio[0], "a tunnel gets the larger buffer"

    # The forward is gone: the same command without -R names the socket and the README section.
    cmd = [a for a in cmd if a != "-R" and not a.startswith(f"{rig['remote'].socket}:")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=rig["root"])
    assert r.returncode == 1
    assert f"No sound server answers at unix:{rig['remote'].socket}" in r.stdout
    assert "Listening over SSH" in r.stdout


def _without_shm_setting(rig) -> list[str]:
    """The recipe minus `enable-shm = no`: PulseAudio then refuses the tunnelled connection."""
    (rig["remote"].home / ".config" / "pulse" / "client.conf").write_text("autospawn = no\n")
    return ssh_command(rig["sshd"], rig["laptop"], rig["remote"], *app_argv(rig, "doctor"), tty=False)


def test_doctor_over_ssh_without_enable_shm_fails_and_points_to_the_recipe(rig):
    r = subprocess.run(_without_shm_setting(rig), capture_output=True, text=True, timeout=60, cwd=rig["root"])
    assert r.returncode == 1, r.stdout
    audio = next(line for line in r.stdout.splitlines() if line.split()[1:2] == ["audio"])
    assert audio.startswith("FAIL") and "Listening over SSH" in audio, audio


def test_doctor_over_ssh_without_enable_shm_names_the_setting(rig):
    r = subprocess.run(_without_shm_setting(rig), capture_output=True, text=True, timeout=60, cwd=rig["root"])
    audio = next(line for line in r.stdout.splitlines() if line.split()[1:2] == ["audio"])
    assert "enable-shm" in audio, audio


def _bar(screen: str) -> str:
    """The player bar's first line (state icon, position / length, output)."""
    for line in screen.splitlines():
        if re.search(r"\d+:\d\d / \d+:\d\d", line):
            return line
    return ""


def _position(screen: str) -> int:
    m = re.search(r"(\d+):(\d\d) / \d+:\d\d", _bar(screen))
    return int(m.group(1)) * 60 + int(m.group(2)) if m else -1


def test_listen_pause_seek_and_lose_the_server_through_an_ssh_tunnel(rig):
    laptop, db = rig["laptop"], rig["db"]
    tone, long = str(rig["tone"]), str(rig["long"])
    term = Tmux(rig["root"] / "tmux.sock")
    watch = ListenedWatch(db)
    rec = None
    try:
        term.start(ssh_command(rig["sshd"], laptop, rig["remote"], *app_argv(rig), tty=True))
        assert term.size() == (80, 24)
        screen = term.wait_for("To call 2", timeout=30)
        screen = term.wait_for(lambda s: "sounddevice" in _bar(s) or "pacat" in _bar(s), timeout=20,
                               what="the real audio output in the player bar")
        assert "SILENT" not in screen and "no audio" not in screen
        assert "0:03" in screen.splitlines()[1], "the newest (tone) message is first"
        assert len(screen.splitlines()) == 24

        # navigate: down shows the 14 s message in the bar, up comes back
        term.keys("j")
        term.wait_for(lambda s: "/ 0:14" in _bar(s), what="the second message's length")
        term.keys("k")
        term.wait_for(lambda s: "/ 0:03" in _bar(s), what="the first message's length")

        # play the known signal through the tunnel while the laptop's sink is recorded
        rec = laptop.recorder()
        time.sleep(0.3)
        term.keys("Enter")
        listened_at = watch.wait(tone, timeout=25)
        assert listened_at is not None, "the message was never marked listened:\n" + term.screen()
        time.sleep(0.6)  # let the silence after it reach the recording
        recording, rec = rec, None
        samples = recording.stop()

        heard = Heard.of(samples)
        assert heard.end > heard.start, "nothing reached the laptop's sound server"
        # the sink counts samples: the 3.000 s arrive through the tunnel, none twice, however busy the
        # machine; 50 ms: a stream's first period was measured lost under load (as in tests/audio)
        assert 3000 - 50 <= loud_ms(samples, RATE) <= 3000 + 10, f"recorded {heard.length_s:.3f} s"
        # a tunnel that breaks the stream up leaves many gaps; a busy machine starving it, a couple
        gaps = [gap for gap in gaps_ms(samples, RATE) if gap > 20]
        assert len(gaps) <= 2, f"{len(gaps)} gaps over 20 ms; the longest, {heard.gap_ms} ms, {heard.gap_at_s} s in"
        assert freqs_match(heard.freqs, expected_freqs(TONE)), heard.freqs
        last_frame_played = recording.render_time(heard.end - 1)
        assert listened_at >= last_frame_played, (
            f"marked listened {1000 * (last_frame_played - listened_at):.0f} ms before its last frame was played"
        )
        screen = term.wait_for("Caller ID", what="the unlocked callback pane")
        assert "✓" in screen.splitlines()[1] and "listened" in screen.splitlines()[1]

        # the second message: play, pause, seek, resume
        term.keys("j")
        term.wait_for(lambda s: "/ 0:14" in _bar(s))
        term.keys("Enter")
        term.wait_for(lambda s: "▶" in _bar(s) and _position(s) >= 2, timeout=15, what="playback past 0:02")
        term.keys("Space")
        screen = term.wait_for(lambda s: "⏸" in _bar(s), what="the paused state")
        paused_at = _position(screen)
        rec = laptop.recorder()
        time.sleep(1.5)
        quiet = rec.stop()
        rec = None
        assert Heard.of(quiet).end == 0, "sound kept coming out while paused"
        assert _position(term.screen()) == paused_at

        term.keys("Right")
        screen = term.wait_for(lambda s: _position(s) >= paused_at + 4 and "⏸" in _bar(s),
                               what="the position after seeking +5 s, still paused")
        sought = _position(screen)
        rec = laptop.recorder()
        term.keys("Space")
        term.wait_for(lambda s: "▶" in _bar(s) and _position(s) >= sought + 1, what="playback resumed after the seek")
        time.sleep(0.5)
        resumed = Heard.of(rec.samples())
        assert resumed.end > resumed.start and resumed.freqs and all(abs(f - 660) <= 15 for f in resumed.freqs), (
            resumed.freqs
        )

        # the laptop's sound server dies mid-play: the app says so, does not count it, does not hang
        laptop.kill()
        rec.stop()
        rec = None
        screen = term.wait_for(lambda s: "audio connection lost" in s.lower() or "connection lost" in s.lower(),
                               timeout=20, what="the lost-connection notice")
        assert "Traceback" not in screen
        row = message_row(db, long)
        assert row["listened_at"] is None, "a message cut off by a dead server is not listened"
        term.keys("q")
        screen = term.wait_for("EXITED=0", timeout=15, what="the app quitting (and ssh returning 0)")
        for noise in ("ALSA lib", "PortAudio", "Connection failure", "Traceback", "Expression '"):
            assert noise not in screen, f"audio library noise reached the terminal: {noise!r}\n{screen}"

        row = message_row(db, long)
        assert row["listened_at"] is None
        assert row["position_s"] >= sought, "the position reached is saved"
        assert message_row(db, tone)["listened_at"] is not None
    finally:
        if rec is not None:
            rec.stop()
        watch.stop()
        term.kill()

