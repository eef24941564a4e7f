"""probe(): a real test server, a missing socket, and a socket that accepts but never answers."""

from __future__ import annotations

import socket
import time

import pytest

from tui.audio.probe import looks_like_tunnel, probe


@pytest.mark.pulse
def test_probe_finds_the_test_server_and_its_sink(pulse_server):
    result = probe(timeout_s=5)
    assert result.ok, result.reason
    assert result.server == pulse_server.address
    assert result.sink == "nullsink"
    assert result.reason is None


def test_missing_socket_gives_one_clear_sentence(tmp_path, monkeypatch):
    address = f"unix:{tmp_path}/.pulse-laptop.sock"
    monkeypatch.setenv("PULSE_SERVER", address)
    result = probe(timeout_s=2)
    assert not result.ok and result.kind == "no_server"
    assert result.reason == f"No sound server answers at {address} — see README: Listening over SSH"


def test_refused_socket_is_no_server(tmp_path, monkeypatch):
    # A socket file whose listener is gone: connection refused.
    path = tmp_path / "stale.sock"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()
    monkeypatch.setenv("PULSE_SERVER", f"unix:{path}")
    result = probe(timeout_s=5)
    assert not result.ok and result.kind == "no_server"
    assert str(path) in result.reason


def test_server_that_never_answers_times_out_with_a_reason(tmp_path, monkeypatch):
    path = tmp_path / "frozen.sock"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.listen(8)  # accepts connections in the backlog, never replies: a stalled tunnel
    monkeypatch.setenv("PULSE_SERVER", f"unix:{path}")
    try:
        started = time.monotonic()
        result = probe(timeout_s=1.0)
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert not result.ok and result.kind == "timeout"
    assert "did not answer within 1 s" in result.reason and str(path) in result.reason
    # pactl alone waits ~30 s here; the probe must give up near its timeout (loose bound, not a benchmark)
    assert elapsed < 10


@pytest.mark.pulse
@pytest.mark.slow
def test_auto_null_sink_is_reported_as_nothing_heard(make_pulse_server, pulse_env):
    server = make_pulse_server(sink_name="auto_null")
    with pulse_env(server):
        result = probe(timeout_s=5)
    assert not result.ok and result.kind == "auto_null" and result.sink == "auto_null"
    assert "nothing would be heard" in result.reason


def test_tunnel_detection(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert looks_like_tunnel("unix:/home/you/.pulse-laptop.sock")
    assert looks_like_tunnel("tcp:127.0.0.1:24713")
    assert not looks_like_tunnel(f"unix:{tmp_path}/pulse/native")
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    assert not looks_like_tunnel()


def test_the_shm_setting_is_read_as_libpulse_reads_it(tmp_path, monkeypatch):
    from tui.audio.probe import forwarded_by_ssh, shm_enabled

    conf = tmp_path / "client.conf"
    monkeypatch.setenv("PULSE_CLIENTCONFIG", str(conf))
    assert shm_enabled()  # no file: libpulse's default
    conf.write_text("autospawn = no\n; enable-shm = no\n")
    assert shm_enabled()  # a comment is not a setting
    conf.write_text("enable-shm = yes\nenable-shm = no  # the last one wins\n")
    assert not shm_enabled()
    assert not forwarded_by_ssh(str(tmp_path / "nobody-listens.sock"))
