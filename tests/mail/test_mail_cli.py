"""`doctor` names each source's kind; `scan` and `export` on mail sources through the real command."""

from __future__ import annotations

import json

from tests.mail.mailkit import build, wav_bytes, write_maildir, write_mbox
from tests.test_cli import run


def test_doctor_names_each_sources_kind(tmp_path, samples):
    box = tmp_path / "Maildir"
    write_maildir(box, [build("Voicemail from 4155550199", "", audio=wav_bytes())])
    mbox = tmp_path / "voicemail.mbox"
    write_mbox(mbox, [build("Voicemail from 2065550143", "", audio=wav_bytes())])
    stray = tmp_path / "notes.txt"
    stray.write_text("not a mailbox")
    sources = [box, mbox, samples / "asterisk", samples / "google-voice", samples / "plain", stray]
    args = [arg for source in sources for arg in ("--source", str(source))]
    lines = run(*args, "doctor", home=tmp_path, check_rc=None).stdout.splitlines()
    kinds = {line.split()[2]: line for line in lines if line.split()[1:2] == ["sources"]}
    assert kinds[str(box)].endswith("(Maildir)") and kinds[str(box)].startswith("ok")
    assert kinds[str(mbox)].endswith("(mbox)")
    assert kinds[str(samples / "asterisk")].endswith("(Asterisk)")
    assert kinds[str(samples / "google-voice")].endswith("(Google Voice)")
    assert kinds[str(samples / "plain")].endswith("(folder)")
    assert kinds[f"{stray}:"].startswith("FAIL")


def test_scan_and_export_a_maildir(tmp_path):
    box = tmp_path / "Maildir"
    [path] = write_maildir(box, [build("New Voice Message from Lee Park (3125550177)", "", audio=wav_bytes())])
    report = json.loads(run("--source", str(box), "scan", "--json", home=tmp_path).stdout)
    assert report["new"] == [str(path)]
    [record] = json.loads(run("export", "--format", "json", home=tmp_path).stdout)
    assert record["path"] == str(path) and record["caller_id"]["number"] == "+13125550177"
    assert record["caller_id"]["name"] == "Lee Park" and record["state"] == "new"
    assert (tmp_path / "data" / "voicemail-tui" / "mail-audio").is_dir()  # the cache is in the data folder
