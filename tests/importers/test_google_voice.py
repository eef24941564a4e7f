"""Google Voice Takeout importer: the samples against truth.jsonl, odd names and broken html."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.corpus import samples_dir
from tui.library import importers
from tui.library.importers import google_voice

SAMPLES = samples_dir()
CALLS = SAMPLES / "google-voice" / "Calls"


def _truth() -> list[dict]:
    rows = [json.loads(line) for line in (SAMPLES / "truth.jsonl").read_text("utf-8").splitlines() if line.strip()]
    return [row for row in rows if row["layout"] == "google-voice"]


@pytest.mark.parametrize("row", _truth(), ids=lambda row: row["id"])
def test_samples_match_truth(row: dict) -> None:
    path = SAMPLES / row["path"]
    assert google_voice.claims(path)
    assert importers.importer_for(path) is google_voice
    found = google_voice.read(path, path.stat(), region="US")
    assert found.error is None
    assert found.layout == "google_voice"
    assert found.caller_number == row["caller_id_number"]
    assert found.caller_name == row["caller_id_name"]
    assert found.received_at == datetime.fromisoformat(row["received_at"])
    assert found.received_at.utcoffset() == datetime.fromisoformat(row["received_at"]).utcoffset()
    assert found.received_at_source == "google voice html"
    assert found.sidecar_transcript == row["sidecar_transcript"]
    assert found.sidecar == str(SAMPLES / row["sidecar"])
    assert found.duration_s == pytest.approx(row["duration_s"], abs=1.0)  # whole seconds in the html
    # The file name carries the same instant in UTC.
    assert datetime.fromisoformat(found.extra["file_name_time"]) == found.received_at


def _page(*, href: str = "tel:+12025550140", fn: str = "", published: str = "2026-11-02T16:33:45.000-05:00",
          duration: str = "PT1M7S", transcript: str | None = "Call me back &amp; soon.") -> str:
    text = (
        f'<span class="description"><span class="full-text">{transcript}</span></span>' if transcript is not None else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/><title>Voicemail</title></head>'
        '<body><div class="haudio"><span class="album">Call Log for\n</span>\n'
        '<span class="fn">Voicemail from\nSomebody Else</span>\n'
        f'<div class="contributor vcard">Voicemail from\n<a class="tel" href="{href}"><span class="fn">{fn}</span></a></div>\n'
        f'<abbr class="published" title="{published}">Nov 2, 2026</abbr>\nTranscript:\n{text}<br />\n'
        f'<abbr class="duration" title="{duration}">(00:01:07)</abbr></div></body></html>'
    )


def _pair(folder: Path, stem: str, html: str | bytes | None, audio: bytes = b"ID3\x03\x00\x00\x00\x00\x00\x00") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    mp3 = folder / f"{stem}.mp3"
    mp3.write_bytes(audio)
    if html is not None:
        (folder / f"{stem}.html").write_bytes(html.encode("utf-8") if isinstance(html, str) else html)
    return mp3


def test_name_and_time_from_html(tmp_path: Path) -> None:
    mp3 = _pair(tmp_path, "Zoë O'Brien – Work - Voicemail - 2026-11-02T21_33_45Z", _page(fn="Zoë O'Brien – Work"))
    assert google_voice.claims(mp3)
    found = google_voice.read(mp3, mp3.stat(), region="US")
    assert found.caller_name == "Zoë O'Brien – Work"
    assert found.caller_number == "+12025550140"
    assert found.received_at == datetime(2026, 11, 2, 16, 33, 45, tzinfo=timezone(timedelta(hours=-5)))
    assert found.duration_s == 67.0
    assert found.sidecar_transcript == "Call me back & soon."


def test_empty_caller_in_file_name(tmp_path: Path) -> None:
    mp3 = _pair(tmp_path, " - Voicemail - 2026-11-02T21_33_45Z", _page(href="tel:", fn=""))
    assert google_voice.claims(mp3)
    found = google_voice.read(mp3, mp3.stat(), region="US")
    assert found.caller_name is None and found.caller_number is None
    assert found.received_at == datetime(2026, 11, 2, 21, 33, 45, tzinfo=timezone.utc)
    assert found.error is None


def test_missing_html_uses_the_file_name(tmp_path: Path) -> None:
    mp3 = _pair(tmp_path, "+12025550150 - Voicemail - 2026-11-05T08_00_01Z", None)
    found = google_voice.read(mp3, mp3.stat(), region="US")
    assert found.error is None
    assert found.caller_number == "+12025550150" and found.caller_name is None
    assert found.received_at == datetime(2026, 11, 5, 8, 0, 1, tzinfo=timezone.utc)
    assert found.received_at_source == "file name"
    assert found.sidecar is None and found.sidecar_transcript is None
    assert "is missing" in found.extra["sidecar_error"]

    named = _pair(tmp_path, "Dr. Ann Lee - Voicemail - 2026-11-05T08_00_01Z", None)
    found = google_voice.read(named, named.stat(), region="US")
    assert (found.caller_name, found.caller_number) == ("Dr. Ann Lee", None)


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"\xff\xfe\x00<\x00h\x00t\x00m\x00l",  # UTF-16 bytes, decoded as broken UTF-8
        b"<html><body><a class='tel' href='tel:+1202555",  # cut off mid-attribute
        b"<<<>>><abbr class=published title='yesterday'><span class=full-text>",
        b"<html><body><div class='haudio'>" + b"<span>" * 20000 + b"</div>",
        bytes(range(256)) * 50,
    ],
    ids=["empty", "utf16", "truncated", "nonsense", "deep", "binary"],
)
def test_broken_html_falls_back(tmp_path: Path, html: bytes) -> None:
    mp3 = _pair(tmp_path, "Pat - Voicemail - 2026-11-06T10_20_30Z", html)
    found = google_voice.read(mp3, mp3.stat(), region="US")
    assert found.error is None
    assert found.caller_name == "Pat"
    assert found.received_at == datetime(2026, 11, 6, 10, 20, 30, tzinfo=timezone.utc)
    assert found.received_at_source == "file name"
    assert found.extra.get("sidecar_error")


def test_huge_html_is_read_only_in_part(tmp_path: Path) -> None:
    head = _page(fn="Early Name", transcript=None)
    filler = "<p>" + "x" * (2 * google_voice.MAX_HTML_BYTES) + "</p>"
    late = '<span class="full-text">never read</span>'
    mp3 = _pair(tmp_path, "Pat - Voicemail - 2026-11-06T10_20_30Z", head.replace("</body>", filler + late + "</body>"))
    found = google_voice.read(mp3, mp3.stat(), region="US")
    assert found.caller_name == "Early Name"
    assert found.sidecar_transcript is None
    assert "larger than" in found.extra["sidecar_error"]


def test_html_without_offset_is_not_trusted(tmp_path: Path) -> None:
    mp3 = _pair(tmp_path, "Pat - Voicemail - 2026-11-06T10_20_30Z", _page(published="2026-11-06T05:20:30"))
    found = google_voice.read(mp3, mp3.stat(), region="US")
    assert found.received_at == datetime(2026, 11, 6, 10, 20, 30, tzinfo=timezone.utc)
    assert found.received_at_source == "file name"


def test_markup_in_names_and_transcripts_stays_text(tmp_path: Path) -> None:
    html = _page(fn="[bold red]Eve[/] &lt;script&gt;", transcript="Line one<br/>line [link=x]two[/link]\x1b[2J")
    mp3 = _pair(tmp_path, "Eve - Voicemail - 2026-11-06T10_20_30Z", html)
    found = google_voice.read(mp3, mp3.stat(), region="US")
    assert found.caller_name == "[bold red]Eve[/] <script>"
    assert found.sidecar_transcript == "Line one\nline [link=x]two[/link]\x1b[2J"  # the display cleans it


def test_claims() -> None:
    assert google_voice.claims(Path("+12025550150 - Voicemail - 2026-11-05T08_00_01Z.mp3"))
    assert google_voice.claims(Path("Pat - Voicemail - 2026-11-05T08_00_01Z (1).mp3"))
    assert not google_voice.claims(Path("+12025550150 - Voicemail - 2026-11-05T08_00_01Z.html"))
    assert not google_voice.claims(Path("Pat - Received - 2026-11-05T08_00_01Z.mp3"))
    assert not google_voice.claims(Path("Zoë O'Brien – Voicemail.m4a"))
    assert not google_voice.claims(Path("2026-11-03 15.27.39 +12015550100.m4a"))


def test_read_writes_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "Calls"
    shutil.copytree(CALLS, copy)
    before = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in copy.iterdir()}
    for mp3 in copy.glob("*.mp3"):
        google_voice.read(mp3, mp3.stat(), region="US")
    assert before == {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in copy.iterdir()}


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("PT22S", 22.0), ("PT1M7S", 67.0), ("PT1H0M3.5S", 3603.5), ("P1D", None), ("PT", None), ("22", None), (None, None)],
)
def test_parse_duration(value: str | None, seconds: float | None) -> None:
    assert google_voice.parse_duration(value) == seconds


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=500))
def test_parser_never_raises(text: str) -> None:
    parser = google_voice._VoicemailHTML()
    parser.feed(text)
    parser.close()
    assert parser.caller_name is None or isinstance(parser.caller_name, str)


def test_hostile_structure_around_the_fields_still_reads_them(tmp_path: Path) -> None:
    """Stray end tags, deep nesting and thousands of text runs: the fields are still found, and
    the transcript is capped. (Such pages once made a scan spend 15-96 s on one 1 MiB file.)"""
    page = _page(fn="Pat Doe", transcript="Call me " + "back<b></b>" * 30_000)
    page = page.replace('<a class="tel"', "</span>" * 5_000 + "<div>" * 3_000 + '<a class="tel"', 1)
    page = page.replace('<span class="fn">', "<span>" * 2_000 + "</i></p>" * 500 + '<span class="fn">', 1)
    mp3 = _pair(tmp_path, "Pat - Voicemail - 2026-11-06T10_20_30Z", page)
    found = google_voice.read(mp3, mp3.stat(), region="US")
    assert found.caller_name == "Pat Doe"  # deep inside the tel link, past stray end tags
    assert found.caller_number == "+12025550140"
    assert found.sidecar_transcript.startswith("Call me backback")
    assert len(found.sidecar_transcript) <= google_voice.MAX_TRANSCRIPT_CHARS
