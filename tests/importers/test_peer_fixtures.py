"""Every peer fixture (../shared/peer-fixtures: message files and Takeout pages other projects
wrote) through the real scanner, with audio generated here and the expected values read off the
files themselves (their `callerid=`/`origtime=` lines, `a.tel`, `abbr.published`, ...)."""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.corpus import PEER_FIXTURES
from tui import export
from tui.library.models import Found, State
from tui.library.scan import scan

PEER = PEER_FIXTURES  # ../shared/peer-fixtures (tests/corpus.py); required, never skipped
ASTERISK = sorted((PEER / "asterisk").glob("*.txt")) if PEER.is_dir() else []
PAGES = sorted((PEER / "google-voice").glob("*/*.html")) if PEER.is_dir() else []



# --- reading the fixtures (the test's own reading, not the importer's) ----------------------


def _keys(txt: Path) -> dict[str, str]:
    values = {}
    for line in txt.read_text("utf-8").splitlines():
        if "=" in line and not line.startswith((";", "[")):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _expected_caller(callerid: str) -> tuple[str | None, str | None, str | None]:
    """(name, e164, raw) the way a person reads the line: a full 10-digit NANP number gets +1,
    anything else (an extension, 7 digits, a number without its country) stays as written."""
    match = re.fullmatch(r'"?([^"<]*?)"?\s*<([^>]*)>', callerid)
    if match:
        name, raw = match.group(1).strip() or None, match.group(2).strip()
    elif re.fullmatch(r"[\d+ ()-]+", callerid):
        name, raw = None, callerid
    else:
        name, raw = callerid, None
    if name and name.lower() in {"anonymous", "unknown"}:
        name = None
    e164 = "+1" + raw if raw and re.fullmatch(r"\d{10}", raw) else None
    return name, e164, raw


def _page(page: Path) -> dict:
    text = page.read_text("utf-8")
    src = re.search(r'<audio controls="controls" src="([^"]+)\.mp3"', text).group(1)
    tel = re.search(r'<a class="tel" href="tel:([^"]*)">\s*<span class="fn">([^<]*)</span>', text)
    full = re.search(r'<span class="full-text">([^<]*)</span>', text)
    minutes = re.search(r'class="duration" title="PT(?:(\d+)M)?(\d+)S"', text)
    published = re.search(r'class="published" title="([^"]+)"', text).group(1)
    name_time = re.search(r"(\d{4}-\d{2}-\d{2}T\d{2}_\d{2}_\d{2})Z$", src).group(1)
    return {
        "stem": src,
        "voicemail": " - Voicemail - " in src,
        "number": tel.group(1) or None,
        "name": html.unescape(tel.group(2)).strip() or None,
        "transcript": html.unescape(full.group(1)) if full else None,
        "seconds": int(minutes.group(1) or 0) * 60 + int(minutes.group(2)),
        "published": datetime.fromisoformat(published),
        "name_time": datetime.strptime(name_time, "%Y-%m-%dT%H_%M_%S").replace(tzinfo=timezone.utc),
    }


# --- Asterisk -----------------------------------------------------------------------------


@pytest.fixture
def asterisk_spool(tmp_path, tone_factory) -> dict[str, Path]:
    """Each message file in its own mailbox, with a distinct tone of the length it states."""
    spool = tmp_path / "spool"
    audio: dict[str, Path] = {}
    for index, txt in enumerate(ASTERISK):
        values = _keys(txt)
        folder = spool / f"{index:02d}-{values['context']}" / values["origmailbox"] / "INBOX"
        folder.mkdir(parents=True)
        shutil.copyfile(txt, folder / "msg0000.txt")
        seconds = max(float(values["duration"]), 0.5)  # duration=0: Asterisk rounds down a short message
        audio[txt.name] = tone_factory(folder / "msg0000.wav", seconds, freq=300 + 70 * index)
    return audio


def test_every_asterisk_fixture_reads_as_written(store, asterisk_spool) -> None:
    assert len(ASTERISK) == 9
    report = scan(store, [next(iter(asterisk_spool.values())).parents[3]])
    assert len(report.new) == 9 and report.same_as == [] and report.unreadable == []
    by_path = {m.path: m for m in store.messages()}
    records = {r["path"]: r for r in json.loads(export.to_json(store))}
    for txt in ASTERISK:
        values = _keys(txt)
        message = by_path[str(asterisk_spool[txt.name])]
        name, e164, raw = _expected_caller(values["callerid"])
        assert message.caller_name == name, txt.name
        assert message.caller_number == e164, txt.name  # never "+15555555" from "555-5555"
        assert message.caller_raw == raw, txt.name
        assert message.received_at == datetime.fromtimestamp(int(values["origtime"]), tz=timezone.utc), txt.name
        assert message.duration_s == pytest.approx(max(float(values["duration"]), 0.5), abs=0.05)
        assert message.folder == "INBOX" and message.state is State.NEW
        caller_id = records[str(asterisk_spool[txt.name])]["caller_id"]
        assert caller_id == {"number": e164, "name": name, "raw": raw}, txt.name
    urgent = [txt for txt in ASTERISK if _keys(txt).get("flag") == "Urgent"]
    assert [t.name for t in urgent] == ["asterisk-testsuite__voicemail_py__create_dummy_voicemail__Urgent.txt"]


def test_the_numbers_the_issue_named(store, asterisk_spool) -> None:
    scan(store, [next(iter(asterisk_spool.values())).parents[3]])
    by_raw = {m.caller_raw: m for m in store.messages()}
    assert by_raw["555-5555"].caller_number is None  # "Anonymous"<555-5555>: no +15555555
    assert by_raw["1001"].caller_number is None and by_raw["1001"].caller_name == "Alice"
    assert by_raw["02161851888"].caller_number is None
    assert by_raw["3174895544"].caller_number == "+13174895544"
    text = export.to_text(store, region="US")
    assert "+15555555" not in text and "+11001" not in text


# --- Google Voice Takeout -----------------------------------------------------------------


def _takeout(root: Path, pages: list[Path], tone_factory, *, shared: Path | None = None) -> dict[Path, Path]:
    """Pages under Takeout/Voice/Calls with their Takeout names and an mp3 each (one blob if `shared`)."""
    calls = root / "Takeout" / "Voice" / "Calls"
    calls.mkdir(parents=True)
    audio = {}
    for index, page in enumerate(pages):
        info = _page(page)
        shutil.copyfile(page, calls / f"{info['stem']}.html")
        target = calls / f"{info['stem']}.mp3"
        if shared is not None:
            shutil.copyfile(shared, target)
        else:  # a recorded call is never imported: its 29 minutes need not be made
            seconds = info["seconds"] if info["voicemail"] else 1.0
            tone_factory(target, seconds, freq=350 + 60 * index)
        audio[page] = target
    return audio


def test_every_takeout_page_reads_as_written(store, tmp_path, tone_factory) -> None:
    assert len(PAGES) == 11
    audio = _takeout(tmp_path, PAGES, tone_factory)
    report = scan(store, [tmp_path / "Takeout"])
    voicemails = [page for page in PAGES if _page(page)["voicemail"]]
    assert len(voicemails) == 10
    assert sorted(report.new) == sorted(str(audio[page]) for page in voicemails)
    by_path = {m.path: m for m in store.messages()}
    assert len(by_path) == 10
    for page in voicemails:
        info = _page(page)
        message = by_path[str(audio[page])]
        assert message.layout == "google_voice"
        assert message.caller_number == info["number"], page.name
        assert message.caller_raw == info["number"], page.name
        assert message.caller_name == info["name"], page.name
        placeholder = info["transcript"] == "Unable to transcribe this message."
        assert message.sidecar_transcript == (None if placeholder else info["transcript"]), page.name
        assert message.duration_s == pytest.approx(info["seconds"], abs=0.3), page.name  # mp3 padding
        if abs((info["published"] - info["name_time"]).total_seconds()) < 60:
            assert message.received_at == info["published"], page.name
            assert message.source_note is None
        else:  # the page contradicts itself: the name (UTC, and the page's visible date) wins, flagged
            assert message.received_at == info["name_time"], page.name
            assert "disagree" in message.source_note and str(info["published"].year) in message.source_note
    flagged = [m for m in by_path.values() if m.source_note]
    assert [Path(m.path).name for m in flagged] == ["Susie Glow - Voicemail - 2023-05-17T02_54_27Z.mp3"]
    recorded = [page for page in PAGES if not _page(page)["voicemail"]]
    assert [(path, reason) for path, reason in report.skipped] == [
        (str(audio[recorded[0]]), "Google Voice: a recorded call, not a voicemail")
    ]


@pytest.mark.parametrize("project", ["wjcarpenter__gvoice-sms-takeout-xml", "lbeder__google-voice-takeout-merger"])
def test_pages_sharing_one_recording_are_separate_messages(store, tmp_path, tone_factory, project) -> None:
    """Both projects ship one mp3 blob for all their pages: every voicemail page is its own message."""
    pages = sorted((PEER / "google-voice" / project).glob("*.html"))
    blob = tone_factory(tmp_path / "blob.mp3", 2.0, freq=440)
    audio = _takeout(tmp_path, pages, tone_factory, shared=blob)
    report = scan(store, [tmp_path / "Takeout"])
    voicemails = [page for page in pages if _page(page)["voicemail"]]
    assert sorted(report.new) == sorted(str(audio[page]) for page in voicemails)
    assert report.same_as == []
    assert store.count() == len(voicemails) == {"wjcarpenter__gvoice-sms-takeout-xml": 3}.get(project, 4)
    assert len({m.id for m in store.messages()}) == len(voicemails)


def test_plain_never_claims_a_takeout_calls_file_and_old_rows_go(store, tmp_path, tone_factory) -> None:
    recorded = next(page for page in PAGES if "Recorded" in page.name)
    audio = _takeout(tmp_path, [recorded], tone_factory)[recorded]
    stray = tone_factory(audio.parent / "audio.mp3", 1.0)  # no Takeout name, in Voice/Calls
    # What an older version stored: both as plain messages, one with your note on it.
    for path in (audio, stray):
        found = Found(path=str(path), layout="plain", received_at=datetime(2019, 5, 22, 18, 18, 56, tzinfo=timezone.utc))
        store.add_file(found, f"old{len(path.name)}", size=path.stat().st_size, mtime_ns=path.stat().st_mtime_ns,
                       root=str(tmp_path / "Takeout"), duration_s=1.0)
    store.set_notes(f"old{len(stray.name)}", "kept")
    report = scan(store, [tmp_path / "Takeout"])
    assert report.new == [] and report.missing == []
    assert {path for path, _ in report.skipped} == {str(audio), str(stray)}
    left = store.messages()
    assert [(m.id, m.missing) for m in left] == [(f"old{len(stray.name)}", True)]  # your note is not thrown away


def test_a_backup_of_the_audio_without_its_page_is_the_same_message(store, tmp_path, tone_factory) -> None:
    page = next(p for p in PAGES if p.name.startswith("Edson") and "2014" in p.name)
    audio = _takeout(tmp_path, [page], tone_factory)[page]
    scan(store, [tmp_path / "Takeout"])
    (message,) = store.messages()
    store.set_notes(message.id, "call back Edson")
    backup = tmp_path / "backup" / "Calls"
    backup.mkdir(parents=True)
    shutil.copyfile(audio, backup / audio.name)  # the mp3 only: no page beside it
    report = scan(store, [tmp_path / "Takeout", tmp_path / "backup"])
    assert report.same_as == [(str(backup / audio.name), str(audio))] and report.new == []
    assert store.count() == 1 and store.notes(message.id) == "call back Edson"
    after = store.get(message.id)  # what only the page said is not lost to the bare copy
    assert after.caller_number == _page(page)["number"] and after.sidecar_transcript == _page(page)["transcript"]


def test_lbeders_mp3_with_three_leading_spaces_finds_its_page(store, tmp_path, tone_factory) -> None:
    """The repository names the mp3 `   - Voicemail - 2012-03-17T18_16_32Z.mp3`, the page with one space."""
    page = PEER / "google-voice" / "lbeder__google-voice-takeout-merger" / " - Voicemail - 2012-03-17T18_16_32Z.html"
    info = _page(page)
    calls = tmp_path / "Takeout" / "Voice" / "Calls"
    calls.mkdir(parents=True)
    shutil.copyfile(page, calls / page.name)
    tone_factory(calls / "   - Voicemail - 2012-03-17T18_16_32Z.mp3", info["seconds"])
    report = scan(store, [tmp_path / "Takeout"])
    assert report.new == [str(calls / "   - Voicemail - 2012-03-17T18_16_32Z.mp3")] and report.skipped == []
    (message,) = store.messages()
    assert message.received_at == info["published"]  # read off the page, not the name
    assert message.received_at.utcoffset() == info["published"].utcoffset()
    assert message.sidecar_transcript is None  # the page's "Unable to transcribe this message."


def test_a_takeout_name_that_is_not_utf8_is_kept_and_shown(store, tmp_path, tone_factory) -> None:
    """A caller name in bytes that are not UTF-8 (an old archive unpacked with the wrong code page)."""
    import os

    calls = tmp_path / "Takeout" / "Voice" / "Calls"
    calls.mkdir(parents=True)
    name = os.fsdecode(b"Jos\xe9 - Voicemail - 2022-03-09T08_01_50Z.mp3")
    tone_factory(calls / name, 1.0)
    report = scan(store, [tmp_path / "Takeout"])
    assert report.new == [str(calls / name)]
    (message,) = store.messages()
    assert message.caller_name == "Jos\ufffd" and message.path == str(calls / name)
    assert message.received_at == datetime(2022, 3, 9, 8, 1, 50, tzinfo=timezone.utc)
