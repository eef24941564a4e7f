"""Read-only sources: scan, the app playing a message (watching the folder), and export never write,
rename or delete anything in the voicemail folders (checksum manifest before and after)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

from datetime import datetime, timedelta, timezone

from tests.app.conftest import wait_for
from tests.corpus import newest_received
from tests.hardening.rofs import manifest, read_only
from tui.config import ExportConfig


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


async def test_nothing_in_a_read_only_source_is_ever_written(samples_copy, truth, tmp_path, tone_factory, store,
                                                             null_config):
    from tui.app.app import VoicemailApp

    # a short message that sorts first (a day after the newest in the corpus, whatever the zone
    # its name is read in), so the app can play it to the end quickly
    stamp = (newest_received(truth) + timedelta(days=2)).strftime("%Y-%m-%d %H.%M.%S")
    tone_factory(samples_copy / "plain" / f"{stamp} +12065550177.wav", 1.0, 500)
    before = manifest(samples_copy)
    assert len(before) > 20
    db = tmp_path / "cli.sqlite3"
    with read_only(samples_copy) as how:
        probe = samples_copy / "plain" / "probe"
        if how == "mount":  # the kernel refuses writes, even for root
            try:
                probe.write_text("x")
                raise AssertionError("the read-only mount accepted a write")
            except OSError:
                pass
        scanned = _cli("scan", "--json", "--db", str(db), "--source", str(samples_copy))
        assert scanned.returncode == 0, scanned.stderr
        report = json.loads(scanned.stdout)
        assert len(report["new"]) >= 14
        assert not [u for u in report["unreadable"] if "ermission" in u["reason"] or "ead-only" in u["reason"]]
        rescan = json.loads(_cli("scan", "--json", "--db", str(db), "--source", str(samples_copy)).stdout)
        assert rescan["new"] == [] and rescan["unchanged"] >= 14

        config = replace(null_config, export=ExportConfig(path=str(tmp_path / "out" / "notes.txt")))
        app = VoicemailApp(store=store, config=config, sources=[samples_copy], scan_on_start=True)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await wait_for(pilot, lambda: app.player is not None and not app.scanning and store.count() >= 14,
                           timeout=60, what="scan and audio output")
            await pilot.pause(0.3)
            current = app.message_list.current
            assert current.caller_number == "+12065550177"
            await pilot.press("enter")
            await wait_for(pilot, lambda: store.get(current.id).listened, timeout=20, what="listened")
            await pilot.press("x")
            await pilot.pause(0.2)
            assert app.is_running
        assert "Call:       +1 206-555-0177" in (tmp_path / "out" / "notes.txt").read_text()

        exported = _cli("export", "--db", str(store.path), "--format", "json", "--out", str(tmp_path / "n.json"))
        assert exported.returncode == 0, exported.stderr
        assert any(r["state"] == "listened" for r in json.loads((tmp_path / "n.json").read_text()))
        exported = _cli("export", "--db", str(store.path), "--out", str(tmp_path / "n.txt"))
        assert exported.returncode == 0, exported.stderr
    after = manifest(samples_copy)
    assert after == before, {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}


async def test_a_maildir_and_an_mbox_are_never_written(tmp_path, store, null_config):
    """Scan (CLI), the app playing a mailed voicemail to the end with the watcher on, and export leave
    the Maildir as it was: no mail renamed, moved out of new/ or flagged (:2,S), nothing added."""
    from tests.mail.mailkit import build, wav_bytes, write_maildir, write_mbox
    from tui.app.app import VoicemailApp

    sources = tmp_path / "mail"
    box = sources / "Maildir"
    later = datetime(2031, 1, 1, tzinfo=timezone.utc)  # newest, so it is the first row
    write_maildir(box, [build("New Voice Message from Lee Park (3125550177)", "", audio=wav_bytes(1.0, 300),
                              message_id="<ro-1@pbx.example.com>", when=later),
                        build("Lunch?", "no audio")])
    write_maildir(box, [build("Voicemail from 4155550199", "", audio=wav_bytes(0.5, 350),
                              message_id="<ro-2@pbx.example.com>")], folder="Voicemail")
    mbox = sources / "voicemail.mbox"
    write_mbox(mbox, [build("Voicemail from 2065550143", "", audio=wav_bytes(0.5, 400), message_id="<ro-3@x>")])
    before = manifest(sources)
    assert any("/new/" in name for name in before)
    with read_only(sources):
        scanned = _cli("scan", "--json", "--db", str(tmp_path / "cli.sqlite3"), "--source", str(box),
                       "--source", str(mbox))
        assert scanned.returncode == 0, scanned.stderr
        assert len(json.loads(scanned.stdout)["new"]) == 3
        app = VoicemailApp(store=store, config=null_config, sources=[box, mbox], scan_on_start=True)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await wait_for(pilot, lambda: app.player is not None and not app.scanning and store.count() >= 3,
                           timeout=60, what="scan and audio output")
            await pilot.pause(0.3)
            current = app.message_list.current
            assert current.caller_number == "+13125550177" and current.layout == "maildir"
            await pilot.press("enter")
            await wait_for(pilot, lambda: store.get(current.id).listened, timeout=20, what="listened")
        exported = _cli("export", "--db", str(store.path), "--format", "json", "--out", str(tmp_path / "n.json"))
        assert exported.returncode == 0, exported.stderr
    after = manifest(sources)
    assert after == before, {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}
