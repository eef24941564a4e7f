import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args, home: Path, check_rc: int | None = 0):
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "cfg"), "XDG_DATA_HOME": str(home / "data"),
           "XDG_STATE_HOME": str(home / "state")}
    result = subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, timeout=120)
    if check_rc is not None:
        assert result.returncode == check_rc, result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_scan_json_then_export(tmp_path, samples_copy, truth):
    result = run("--source", str(samples_copy), "scan", "--json", home=tmp_path)
    report = json.loads(result.stdout)
    assert len(report["new"]) == len(truth)
    assert [u["reason"] for u in report["unreadable"]] == ["empty audio file (0 bytes)"]
    again = json.loads(run("--source", str(samples_copy), "scan", "--json", home=tmp_path).stdout)
    assert again["new"] == [] and again["unchanged"] == len(truth)
    exported = json.loads(run("export", "--format", "json", home=tmp_path).stdout)
    assert len(exported) == len(truth)
    assert all("callback" not in record for record in exported)
    assert {r["state"] for r in exported} == {"new", "error"}


def test_export_text_to_file(tmp_path, samples_copy):
    run("--source", str(samples_copy), "scan", home=tmp_path)
    out = tmp_path / "notes.txt"
    run("export", "--out", str(out), home=tmp_path)
    assert "NOT YET LISTENED" in out.read_text()


def test_init_writes_a_config_that_loads(tmp_path):
    target = tmp_path / "c.toml"
    run("--config", str(target), "init", "--source", "~/vm", home=tmp_path)
    assert 'folders = [\n    "~/vm",\n]' in target.read_text()
    run("--config", str(target), "export", "--format", "json", home=tmp_path)
    second = run("--config", str(target), "init", home=tmp_path, check_rc=2)
    assert "already exists" in second.stderr


@pytest.mark.parametrize("args", [["--bogus"], ["export", "--format", "pdf"], ["model"], ["transcribe", "--nope"]])
def test_bad_usage_exits_2(tmp_path, args):
    result = run(*args, home=tmp_path, check_rc=2)
    assert "usage:" in result.stderr


def test_scan_without_sources_is_a_config_error(tmp_path):
    result = run("scan", home=tmp_path, check_rc=2)
    assert "No voicemail folders" in result.stderr


def test_inbox_needs_a_terminal(tmp_path):
    result = run("--source", str(tmp_path), home=tmp_path, check_rc=1)
    assert "needs a terminal" in result.stderr


def test_demo_does_not_combine_with_commands(tmp_path):
    result = run("--demo", "scan", home=tmp_path, check_rc=2)
    assert "--demo" in result.stderr


def test_archive_called_back_before(tmp_path):
    """Only what was called back longer ago than the duration is archived; the file is untouched."""
    from datetime import datetime, timezone

    from tui.library.models import Found
    from tui.library.store import Store

    db = tmp_path / "data" / "voicemail-tui" / "library.sqlite3"
    store = Store(db)
    for message_id in ("long_ago", "not_called", "future"):
        found = Found(path=f"/v/{message_id}.wav", layout="plain", caller_number="+12065550100",
                      received_at=datetime(2001, 1, 1, tzinfo=timezone.utc))
        store.add_file(found, message_id, size=1, mtime_ns=1, root="/v", duration_s=5.0)
    store.mark_called_back("long_ago", "done", at=datetime(2001, 1, 2, tzinfo=timezone.utc))
    # called back "after" any date this test can run on: never older than 30 days
    store.mark_called_back("future", None, at=datetime(9000, 1, 1, tzinfo=timezone.utc))
    store.close()
    result = run("--db", str(db), "archive", "--called-back-before", "30d", home=tmp_path)
    assert result.stdout.startswith("Archived 1 message called back before ")
    again = Store(db)
    assert [m.id for m in again.messages() if m.archived] == ["long_ago"]
    again.close()
    assert run("--db", str(db), "archive", "--called-back-before", "2w", home=tmp_path).stdout.startswith("Archived 0 messages")


@pytest.mark.parametrize("duration", ["30", "thirty days", "-3d", "3y"])
def test_archive_with_a_bad_duration_exits_2(tmp_path, duration):
    result = run("--db", str(tmp_path / "l.sqlite3"), "archive", f"--called-back-before={duration}", home=tmp_path, check_rc=2)
    assert "wants a duration such as 30d" in result.stderr and "Traceback" not in result.stderr


def test_archive_needs_its_option(tmp_path):
    result = run("archive", home=tmp_path, check_rc=2)
    assert "--called-back-before" in result.stderr


def test_scan_says_which_files_it_treats_as_one_message(tmp_path, tone_factory):
    """A spool and its backup (the same wazo-calld message file, ../shared/peer-fixtures): one message,
    and both the text and the JSON report name the copy."""
    from tests.corpus import PEER_FIXTURES

    fixture = PEER_FIXTURES / "asterisk" / "wazo-calld__default__8000__INBOX__msg0000.txt"
    inbox = tmp_path / "spool" / "default" / "8000" / "INBOX"
    inbox.mkdir(parents=True)
    (inbox / "msg0000.txt").write_bytes(fixture.read_bytes())
    tone_factory(inbox / "msg0000.wav", 1.0)
    backup = tmp_path / "backup" / "INBOX"
    backup.mkdir(parents=True)
    for name in ("msg0000.txt", "msg0000.wav"):
        (backup / name).write_bytes((inbox / name).read_bytes())
    home = tmp_path / "home"
    first = json.loads(run("--source", str(tmp_path / "spool"), "scan", "--json", home=home).stdout)
    assert first["new"] == [str(inbox / "msg0000.wav")] and first["same_message"] == []
    text = run("--source", str(tmp_path / "spool"), "--source", str(tmp_path / "backup"), "scan", home=home).stdout
    assert f"same as   {backup / 'msg0000.wav'}: one message with {inbox / 'msg0000.wav'}" in text
    assert "1 same message as another file" in text
    exported = json.loads(run("export", "--format", "json", home=home).stdout)
    assert len(exported) == 1
    assert exported[0]["caller_id"] == {"number": None, "name": "Alice", "raw": "1001"}
