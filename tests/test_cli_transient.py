"""Issue #16 through the real command: `scan` and `doctor` tell "unreadable: content" from "will retry".

The transient failure is a real one: ffprobe is not on PATH for the first scan (a .wma file needs it).
"""

import json
import os
import subprocess

from tests.test_cli import run


def test_scan_and_doctor_tell_content_from_will_retry(tmp_path, tone_factory):
    folder = tmp_path / "voicemail"
    folder.mkdir()
    (folder / "garbage.mp3").write_bytes(b"this is not audio at all" * 40)
    source = tone_factory(tmp_path / "src.wav", 1.0)
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(source), "-c:a", "wmav2", "-f", "asf",
                    str(folder / "2026-11-20 09.00.00 +12065550100.wma")], check=True)
    no_ffmpeg = tmp_path / "bin-without-ffmpeg"
    no_ffmpeg.mkdir()
    saved = os.environ["PATH"]
    try:
        os.environ["PATH"] = str(no_ffmpeg)
        report = json.loads(run("--source", str(folder), "scan", "--json", home=tmp_path).stdout)
        by_name = {os.path.basename(item["path"]): item for item in report["unreadable"]}
        assert by_name["garbage.mp3"]["kind"] == "content" and by_name["garbage.mp3"]["will_retry"] is False
        wma = by_name["2026-11-20 09.00.00 +12065550100.wma"]
        assert wma["kind"] == "transient" and wma["will_retry"] is True and "ffprobe" in wma["reason"]
        assert set(report) >= {"new", "changed", "moved", "missing", "unreadable", "skipped", "unchanged", "seconds"}
        doctor = run("doctor", home=tmp_path, check_rc=None).stdout
        assert "1 unreadable: content" in doctor and "will retry" in doctor
        exported = json.loads(run("export", "--format", "json", home=tmp_path).stdout)
        assert sorted(r["error_will_retry"] for r in exported) == [False, True]
    finally:
        os.environ["PATH"] = saved
    text = run("--source", str(folder), "scan", home=tmp_path).stdout
    assert "will retry" not in text and "0 unreadable" in text  # ffprobe is back: the .wma is read again and heals
    doctor = run("doctor", home=tmp_path, check_rc=None).stdout
    assert "1 unreadable: content" in doctor and "will retry" not in doctor
    exported = json.loads(run("export", "--format", "json", home=tmp_path).stdout)
    assert sorted(r["state"] for r in exported) == ["error", "new"]


def test_scan_text_output_labels_will_retry(tmp_path, tone_factory):
    folder = tmp_path / "voicemail"
    folder.mkdir()
    source = tone_factory(tmp_path / "src.wav", 1.0)
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(source), "-c:a", "wmav2", "-f", "asf",
                    str(folder / "call.wma")], check=True)
    (folder / "garbage.mp3").write_bytes(b"not audio" * 100)
    saved = os.environ["PATH"]
    try:
        os.environ["PATH"] = str(tmp_path)
        text = run("--source", str(folder), "scan", home=tmp_path).stdout
    finally:
        os.environ["PATH"] = saved
    lines = text.splitlines()
    assert any(line.startswith("will retry") and "call.wma" in line for line in lines)
    assert any(line.startswith("unreadable") and "garbage.mp3" in line for line in lines)
    assert "2 unreadable (1 will retry)" in lines[-1]
