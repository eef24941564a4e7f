"""Asterisk spool importer: the sample mailbox against truth.jsonl, and a mailbox with every oddity."""

from __future__ import annotations

import json
import shutil
import subprocess
import wave
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.corpus import samples_dir
from tui.library import importers
from tui.library.importers import asterisk

SAMPLES = samples_dir()


def _truth(layout: str) -> list[dict]:
    rows = [json.loads(line) for line in (SAMPLES / "truth.jsonl").read_text("utf-8").splitlines() if line.strip()]
    return [row for row in rows if row["layout"] == layout]


# --- the shared samples ----------------------------------------------------------------


@pytest.mark.parametrize("row", _truth("asterisk"), ids=lambda row: row["id"])
def test_samples_match_truth(row: dict) -> None:
    path = SAMPLES / row["path"]
    assert asterisk.claims(path)
    assert importers.importer_for(path) is asterisk
    found = asterisk.read(path, path.stat(), region="US")
    assert found.error is None
    assert found.layout == "asterisk"
    assert found.caller_number == row["caller_id_number"]
    assert found.caller_name == row["caller_id_name"]
    assert found.received_at == datetime.fromisoformat(row["received_at"])
    assert found.received_at_source == "asterisk origtime"
    assert found.folder == path.parent.name
    assert found.heard_elsewhere == (path.parent.name == "Old")
    assert found.sidecar == str(SAMPLES / row["sidecar"])
    assert found.extra["msg_id"]
    assert found.extra["mailbox"] == "1001"
    assert found.duration_s == pytest.approx(row["duration_s"], abs=1.0)  # whole seconds in the .txt


def test_sample_folders_group_cleanly() -> None:
    inbox = SAMPLES / "asterisk" / "default" / "1001" / "INBOX"
    chosen, errors = asterisk.group_folder(sorted(inbox.iterdir()))
    assert [path.name for path in chosen] == ["msg0000.wav", "msg0001.wav", "msg0002.wav"]
    assert errors == []
    assert asterisk.claims(inbox)
    assert not asterisk.claims(SAMPLES / "google-voice" / "Calls")


# --- a mailbox with every oddity -------------------------------------------------------


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Real 8 kHz mono audio in the three formats app_voicemail writes (wav, wav49, gsm)."""
    folder = tmp_path_factory.mktemp("audio")
    pcm = folder / "tone.wav"
    with wave.open(str(pcm), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(range(256)) * 64)
    formats = {".wav": pcm.read_bytes()}
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is required"
    for suffix, args in ((".WAV", ["-c:a", "gsm_ms", "-f", "wav"]), (".gsm", ["-c:a", "gsm", "-f", "gsm"])):
        target = folder / f"tone{suffix}"
        subprocess.run(
            [ffmpeg, "-v", "error", "-y", "-i", str(pcm), "-ar", "8000", "-ac", "1", *args, str(target)],
            check=True,
        )
        formats[suffix] = target.read_bytes()
    # A second, different recording (same length) for the "same msg_id, different audio" case.
    with wave.open(str(folder / "other.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(reversed(range(256))) * 64)
    formats["other.wav"] = (folder / "other.wav").read_bytes()
    return formats


def _txt(callerid: str = '"ACME" <2025550101>', origtime: str | None = "1793716886", **more: str) -> str:
    lines = [";", "; Message Information file", ";", "[message]", "origmailbox=1001", f"callerid={callerid}"]
    if origtime is not None:
        lines.append(f"origtime={origtime}")
    lines += [f"{key}={value}" for key, value in more.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def mailbox(tmp_path: Path, audio: dict[str, bytes]) -> Path:
    box = tmp_path / "spool" / "default" / "1001"
    inbox = box / "INBOX"
    inbox.mkdir(parents=True)

    def put(folder: Path, number: int, txt: str | bytes | None, *formats: str, data: bytes | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"msg{number:04d}"
        if txt is not None:
            stem.with_suffix(".txt").write_bytes(txt.encode("utf-8") if isinstance(txt, str) else txt)
        for suffix in formats:
            stem.with_name(stem.name + suffix).write_bytes(data if data is not None else audio[suffix])

    put(inbox, 0, _txt(duration="7", msg_id="1793716886-00000000"), ".wav")
    put(inbox, 1, _txt('"Three Formats" <+12025550102>', flag="Urgent", msg_id="m1"), ".wav", ".WAV", ".gsm")
    put(inbox, 2, _txt(msg_id="m2"), ".WAV", ".gsm")
    put(inbox, 3, _txt(msg_id="m3"), ".gsm")
    put(inbox, 4, _txt('"Orphan Caller" <2025550104>', msg_id="m4"))  # .txt without audio
    put(inbox, 5, "[message]\n", ".wav")  # every key missing
    put(inbox, 6, bytes(range(256)) * 40, ".wav")  # garbage, not INI, not UTF-8
    put(inbox, 7, ";" + "x" * (200 * 1024) + "\n" + _txt('"Too Late" <2025550107>'), ".wav")  # huge
    put(inbox, 8, _txt("Unknown", msg_id="m8"), ".wav")
    put(inbox, 9, _txt("Name Only", msg_id="m9"), ".wav")
    put(inbox, 10, _txt("2025550110", msg_id="m10"), ".wav")
    put(inbox, 11, _txt("<12025550111>", flag="PRIORITY", msg_id="m11"), ".wav")
    put(inbox, 12, _txt('"Jos\xe9 Pe\xf1a" <2025550112>', msg_id="m12").encode("latin-1"), ".wav")
    same = _txt('"Copy" <2025550113>', msg_id="dup-1", duration="4")
    put(inbox, 13, same, ".wav")
    put(inbox, 14, same, ".wav")  # the same message stored twice
    put(inbox, 15, _txt('"Reset" <2025550115>', msg_id="dup-2"), ".wav")
    put(inbox, 16, _txt('"Reset" <2025550116>', origtime="1793716999", msg_id="dup-2"), ".wav", data=audio["other.wav"])
    put(inbox, 17, _txt(msg_id="m17"), ".wav", data=b"")  # empty .wav ...
    (inbox / "msg0017.gsm").write_bytes(audio[".gsm"])  # ... and a good .gsm
    put(inbox, 18, _txt(origtime=None, origdate="Tue Nov 03 02:41:26 PM UTC 2026", msg_id="m18"), ".wav")
    put(inbox, 19, 'callerid="No Header" <2025550119>\norigtime=1793716886\n', ".wav")
    put(inbox, 20, _txt(origtime="not a number", origdate="garbage", msg_id="m20"), ".wav")
    put(inbox, 21, _txt('"Anonymous" <anonymous>', msg_id="m21"), ".wav")
    (inbox / ".msg0022.wav.Xy12Ab").write_bytes(audio[".wav"])  # rsync in progress
    (inbox / "msg0023.wav").write_bytes(audio[".wav"])  # audio without .txt
    put(box / "Old", 0, _txt('"Heard" <2025550130>', msg_id="old0"), ".wav")
    put(box / "Urgent", 0, _txt('"Rush" <2025550131>', msg_id="urg0"), ".wav")
    put(box / "Family", 0, _txt('"Mom" <2025550132>', msg_id="fam0"), ".wav")
    return box


def _read(path: Path):
    return asterisk.read(path, path.stat(), region="US")


def test_group_folder_picks_one_file_per_message(mailbox: Path) -> None:
    inbox = mailbox / "INBOX"
    chosen, errors = asterisk.group_folder(sorted(inbox.iterdir()))
    names = [path.name for path in chosen]
    assert "msg0023.wav" in names  # plain audio in the folder passes through for the plain importer
    names.remove("msg0023.wav")
    assert names == [
        "msg0000.wav",
        "msg0001.wav",  # .wav beats .WAV and .gsm
        "msg0002.WAV",  # .WAV beats .gsm
        "msg0003.gsm",
        "msg0005.wav",
        "msg0006.wav",
        "msg0007.wav",
        "msg0008.wav",
        "msg0009.wav",
        "msg0010.wav",
        "msg0011.wav",
        "msg0012.wav",
        "msg0013.wav",
        "msg0014.wav",  # same msg_id, audio and details as msg0013: one message by identity, not here
        "msg0015.wav",
        "msg0016.wav",  # same msg_id as msg0015 but a different recording: kept
        "msg0017.gsm",  # the .wav is empty
        "msg0018.wav",
        "msg0019.wav",
        "msg0020.wav",
        "msg0021.wav",
    ]
    assert not any(name.startswith(".") for name in names)
    assert len(errors) == 1
    orphan = errors[0]
    assert orphan.error == asterisk.AUDIO_MISSING == "audio missing"
    assert orphan.path == str(inbox / "msg0004.txt")
    assert orphan.layout == "asterisk"
    assert orphan.caller_name == "Orphan Caller"
    assert orphan.caller_number == "+12025550104"
    assert orphan.folder == "INBOX"
    assert orphan.extra["msg_id"] == "m4"


def test_group_folder_uses_given_sizes(mailbox: Path) -> None:
    inbox = mailbox / "INBOX"
    paths = sorted(inbox.iterdir())
    sizes = {str(path): path.stat().st_size for path in paths}
    chosen, _ = asterisk.group_folder(paths, sizes=sizes)
    assert "msg0001.wav" in {path.name for path in chosen}
    # A size map that claims msg0001.wav is empty makes the .WAV the best file.
    sizes[str(inbox / "msg0001.wav")] = 0
    chosen, _ = asterisk.group_folder(paths, sizes=sizes)
    assert "msg0001.WAV" in {path.name for path in chosen}


@dataclass
class _Entry:
    path: str
    size: int


def test_group_entries_keeps_orphans_and_other_folders(mailbox: Path, tmp_path: Path, audio: dict[str, bytes]) -> None:
    other = tmp_path / "phone"
    other.mkdir()
    (other / "Voicemail 1.wav").write_bytes(audio[".wav"])
    files = sorted(p for p in mailbox.rglob("*") if p.is_file()) + [other / "Voicemail 1.wav"]
    entries = [_Entry(str(path), path.stat().st_size) for path in files]
    kept = {Path(entry.path).relative_to(tmp_path).as_posix() for entry in asterisk.group_entries(entries)}
    assert "phone/Voicemail 1.wav" in kept
    assert "spool/default/1001/INBOX/msg0004.txt" in kept  # becomes the "audio missing" row
    assert "spool/default/1001/INBOX/msg0000.txt" not in kept
    assert "spool/default/1001/INBOX/msg0001.gsm" not in kept
    assert "spool/default/1001/INBOX/msg0014.wav" in kept  # one message with msg0013 by identity (scan says so)
    assert "spool/default/1001/Old/msg0000.wav" in kept
    assert "spool/default/1001/Urgent/msg0000.wav" in kept


def test_claims(mailbox: Path) -> None:
    inbox = mailbox / "INBOX"
    assert asterisk.claims(inbox / "msg0000.wav")
    assert asterisk.claims(inbox / "msg0002.WAV")
    assert asterisk.claims(inbox / "msg0004.txt")
    assert asterisk.sidecar_claims(inbox / "msg0004.txt")
    assert not asterisk.sidecar_claims(inbox / "msg0004.wav")
    assert not asterisk.claims(inbox / "msg0023.wav")  # no .txt: the plain importer's
    assert not asterisk.claims(inbox / "Voicemail.wav")
    assert asterisk.claims(inbox) and asterisk.claims(mailbox / "Old")
    assert not asterisk.claims(mailbox)


def test_read_fields(mailbox: Path) -> None:
    inbox = mailbox / "INBOX"
    first = _read(inbox / "msg0000.wav")
    assert (first.caller_name, first.caller_number) == ("ACME", "+12025550101")
    assert first.received_at == datetime(2026, 11, 3, 14, 41, 26, tzinfo=timezone.utc)
    assert first.duration_s == 7.0
    assert first.folder == "INBOX" and not first.heard_elsewhere and not first.urgent
    assert first.extra["msg_id"] == "1793716886-00000000"
    assert first.extra["context"] == "default" and first.extra["message"] == "msg0000"

    assert _read(inbox / "msg0001.wav").urgent
    assert _read(inbox / "msg0011.wav").urgent  # PRIORITY
    assert _read(inbox / "msg0011.wav").caller_number == "+12025550111"
    assert _read(inbox / "msg0002.WAV").caller_number == "+12025550101"

    unknown = _read(inbox / "msg0008.wav")
    assert unknown.caller_name is None and unknown.caller_number is None and unknown.error is None
    name_only = _read(inbox / "msg0009.wav")
    assert (name_only.caller_name, name_only.caller_number) == ("Name Only", None)
    number_only = _read(inbox / "msg0010.wav")
    assert (number_only.caller_name, number_only.caller_number) == (None, "+12025550110")
    anonymous = _read(inbox / "msg0021.wav")
    assert (anonymous.caller_name, anonymous.caller_number) == (None, None)

    latin = _read(inbox / "msg0012.wav")
    assert latin.caller_name == "José Peña"

    dated = _read(inbox / "msg0018.wav")
    assert dated.received_at == datetime(2026, 11, 3, 14, 41, 26, tzinfo=timezone.utc)
    assert dated.received_at_source == "asterisk origdate"

    headerless = _read(inbox / "msg0019.wav")
    assert headerless.caller_name == "No Header"
    assert headerless.received_at_source == "asterisk origtime"


@pytest.mark.parametrize("number", [5, 6, 7, 20])
def test_broken_txt_falls_back_to_mtime(mailbox: Path, number: int) -> None:
    path = mailbox / "INBOX" / f"msg{number:04d}.wav"
    found = _read(path)
    assert found.error is None  # the audio is fine: it is still a message
    assert found.received_at == datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    assert found.received_at_source == "mtime"
    assert found.caller_number == (None if number in (5, 6, 7) else "+12025550101")
    # Unreadable INI (garbage, or nothing but a comment in the first 64 KiB) is reported.
    assert ("sidecar_error" in found.extra) == (number in (6, 7))
    assert found.folder == "INBOX"


def test_huge_txt_is_read_only_in_part(mailbox: Path) -> None:
    found = _read(mailbox / "INBOX" / "msg0007.wav")
    # The callerid sits beyond the first 64 KiB: never read.
    assert found.caller_name is None


def test_folders(mailbox: Path) -> None:
    old = _read(mailbox / "Old" / "msg0000.wav")
    assert old.folder == "Old" and old.heard_elsewhere and not old.urgent
    urgent = _read(mailbox / "Urgent" / "msg0000.wav")
    assert urgent.folder == "Urgent" and urgent.urgent and not urgent.heard_elsewhere
    family = _read(mailbox / "Family" / "msg0000.wav")
    assert family.folder == "Family" and not family.heard_elsewhere


def test_missing_txt_is_not_an_error(mailbox: Path) -> None:
    path = mailbox / "INBOX" / "msg0023.wav"
    found = _read(path)
    assert found.error is None
    assert found.sidecar is None
    assert "msg0023.txt is missing" in found.extra["sidecar_error"]


def test_read_writes_nothing(mailbox: Path) -> None:
    before = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in mailbox.rglob("*")}
    for path in sorted(mailbox.rglob("msg*")):
        asterisk.read(path, path.stat(), region="US")
    asterisk.group_folder(sorted((mailbox / "INBOX").iterdir()))
    after = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in mailbox.rglob("*")}
    assert before == after


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"ELMSTEAD RECRUI" <3235550100>', ("ELMSTEAD RECRUI", "+13235550100")),
        ('"" <19725550118>', (None, "+19725550118")),
        ('"GRANITE PEAK SW" <+15855550135>', ("GRANITE PEAK SW", "+15855550135")),
        ("Bob Smith <2025550100>", ("Bob Smith", "+12025550100")),
        ('"2025550100" <2025550100>', (None, "+12025550100")),
        ("(202) 555-0100", (None, "+12025550100")),
        ("Unknown", (None, None)),
        ('"Unknown" <Unknown>', (None, None)),
        ("", (None, None)),
        ('"Reception" <1002>', ("Reception", None)),  # an internal extension is not a phone number
    ],
)
def test_parse_callerid(value: str, expected: tuple) -> None:
    name, number, _raw = asterisk.parse_callerid(value, "US")
    assert (name, number) == expected


def test_region_is_used_for_national_numbers() -> None:
    assert asterisk.parse_callerid('"Pub" <020 7946 0018>', "GB")[1] == "+442079460018"
    assert asterisk.to_e164("020 7946 0018", "US") is None


def test_origdate_zones() -> None:
    assert asterisk._parse_origdate("Tue Nov 03 09:41:26 AM EST 2026") == datetime(
        2026, 11, 3, 9, 41, 26, tzinfo=timezone(timedelta(hours=-5))
    )
    assert asterisk._parse_origdate("Tue Nov 03 21:41:26 UTC 2026") == datetime(
        2026, 11, 3, 21, 41, 26, tzinfo=timezone.utc
    )
    assert asterisk._parse_origdate("Tue Nov 03 13:41:26 PM UTC 2026") is None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_never_raises_on_any_bytes(raw: bytes) -> None:
    values, _warning = asterisk.parse_sidecar(asterisk._decode(raw))
    assert isinstance(values, dict)
    asterisk.parse_callerid(values.get("callerid"), "US")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_read_never_raises_on_any_text(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz") / "INBOX"
    folder.mkdir()
    (folder / "msg0000.txt").write_text("[message]\n" + text, "utf-8", errors="replace")
    (folder / "msg0000.wav").write_bytes(b"RIFF")
    found = asterisk.read(folder / "msg0000.wav", (folder / "msg0000.wav").stat(), region="US")
    assert found.error is None and found.received_at is not None and found.received_at.tzinfo is not None
