"""Nasty files: each one becomes an error row or is skipped with a reason; scan and app never crash or hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.conftest import wait_for
from tests.hardening.nasty import build_nasty_folder, tone
from tests.privileges import obeying_permissions
from tui.library.scan import scan
from tui.text import display_path

REPO = Path(__file__).resolve().parents[2]
STRICT_UTF8 = {"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"}


def _cli(*args: str, timeout: float = 120, obey_permissions: bool = False, env: dict | None = None):
    """The real command in a child process; the timeout is the hang guard.

    `obey_permissions`: as root, run without the capabilities that bypass file permissions.
    """
    argv = [sys.executable, "-m", "tui", *args]
    return subprocess.run(obeying_permissions(argv) if obey_permissions else argv, capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), **STRICT_UTF8, **(env or {})})


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty") / "v"
    return root, build_nasty_folder(root)


def test_every_nasty_file_is_an_error_row_or_skipped_with_a_reason(nasty, tmp_path):
    from tui.library.store import Store

    root, expect = nasty
    db = tmp_path / "lib.sqlite3"
    done = _cli("scan", "--json", "--db", str(db), "--source", str(root))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    unreadable = {item["path"]: item["reason"] for item in report["unreadable"]}
    skipped = {item["path"]: item["reason"] for item in report["skipped"]}
    store = Store(db)
    by_path = {display_path(m.path): m for m in store.messages()}
    for name, what in expect.items():
        path = display_path(str(root / name))
        if what == "error":
            assert unreadable.get(path), f"{name}: no reason given"
            if path in by_path:
                assert by_path[path].error, f"{name}: not an error row"
        elif what == "skipped":
            assert skipped.get(path) and path not in by_path, name
        elif what == "ok-or-error":
            assert path in by_path and (by_path[path].error or by_path[path].duration_s), name
        else:
            assert path not in unreadable, f"{name}: {unreadable.get(path)}"
            message = by_path[path]
            assert message.error is None and message.duration_s and message.duration_s > 0.5, name
    long = by_path[display_path(str(root / "two-hours.mp3"))]
    assert 7100 < long.duration_s < 7300  # from the header: the two hours were never decoded
    # the non-UTF-8 name is kept byte-exact in the library, shown with U+FFFD
    raw = os.fsdecode(b"caller \xff\xfe name.wav")
    assert str(root / raw) in store.files()
    assert display_path(str(root / raw)).endswith("caller \ufffd\ufffd name.wav")
    store.close()

    again = _cli("scan", "--db", str(db), "--source", str(root))  # text report, rescan: stat only
    assert again.returncode == 0 and "Traceback" not in again.stderr
    assert "\x1b" not in again.stdout and "skipped" in again.stdout


def test_an_unreadable_file_is_an_error_row(tmp_path):
    folder = tmp_path / "v"
    tone(folder / "ok.wav", 0.5)
    tone(folder / "secret.wav", 0.5, 660)
    os.chmod(folder / "secret.wav", 0o000)
    try:
        done = _cli("scan", "--json", "--db", str(tmp_path / "lib.sqlite3"), "--source", str(folder),
                    obey_permissions=True)
    finally:
        os.chmod(folder / "secret.wav", 0o644)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    reasons = {item["path"]: item["reason"] for item in report["unreadable"]}
    assert "ermission denied" in reasons[str(folder / "secret.wav")]
    assert str(folder / "ok.wav") in report["new"] and str(folder / "ok.wav") not in reasons


def test_a_deeply_nested_json_sidecar_does_not_spoil_the_audio(tmp_path, store):
    folder = tmp_path / "v"
    tone(folder / "2026-11-02 10.00.00 +12065550123.wav", 0.5)
    (folder / "2026-11-02 10.00.00 +12065550123.json").write_bytes(b"[" * 60_000)
    report = scan(store, [folder])
    assert report.unreadable == []
    (message,) = store.messages()
    assert message.error is None and message.caller_number == "+12065550123"


def test_a_fifo_google_voice_html_never_blocks_the_scan(tmp_path):
    calls = tmp_path / "Calls"
    tone(calls / "Bob - Voicemail - 2026-11-01T10_00_00Z.mp3", 0.5)
    os.mkfifo(calls / "Bob - Voicemail - 2026-11-01T10_00_00Z.html")
    try:
        done = _cli("scan", "--json", "--db", str(tmp_path / "lib.sqlite3"), "--source", str(calls), timeout=8)
    except subprocess.TimeoutExpired:
        raise AssertionError("the scan blocked on the FIFO") from None
    assert done.returncode == 0


async def test_the_app_survives_the_nasty_folder(nasty, store, null_config):
    from dataclasses import replace

    from tui.app.app import VoicemailApp
    from tui.config import SourcesConfig

    root, expect = nasty
    scan(store, [root])
    config = replace(null_config, sources=SourcesConfig(folders=(str(root),), watch=False))
    app = VoicemailApp(store=store, config=config, sources=[root], scan_on_start=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.player is not None and not app.scanning, timeout=60, what="ready")
        await pilot.press("v")  # all messages, errors included
        assert len(app.message_list.messages) == store.count() >= 25
        visited, errors = set(), 0
        for _ in range(len(app.message_list.messages)):
            current = app.message_list.current
            visited.add(current.id)
            if current.error or current.duration_s > 3600:
                errors += bool(current.error)
                await pilot.press("enter")  # play: an error row says why it cannot
            await pilot.press("j")
        await pilot.press("space", "e", "escape", "x")
        await pilot.pause(0.3)
        assert app.is_running and len(app.screen_stack) == 1
        assert len(visited) == store.count()
        assert errors == sum(1 for m in store.messages() if m.error) >= 9
        assert sum("Cannot play" in str(n.message) for n in app._notifications) >= 1


@pytest.mark.parametrize("bad_first", [False, True])
def test_a_wrongly_named_copy_does_not_spoil_a_good_message(tmp_path, store, bad_first):
    folder = tmp_path / "v"
    good = tone(tmp_path / "src.wav", 0.5)
    first, second = ("copy.mp3", "good.wav") if bad_first else ("good.wav", "copy.mp3")
    folder.mkdir()
    (folder / first).write_bytes(good.read_bytes())
    scan(store, [folder])
    (folder / second).write_bytes(good.read_bytes())
    scan(store, [folder])
    (message,) = store.messages()  # one content, one message
    assert message.error is None and message.path == str(folder / "good.wav")
