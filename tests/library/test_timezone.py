"""[sources] timezone: naive times (file names, zone-less sidecar times, Asterisk origdate with a
zone name it cannot spell, a mail's "-0000" Date:) are the phone system's wall clock. Read on a
UTC machine, the samples' New York file names give the truth's times; changing the key re-reads
the stored times on the next scan, state kept."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest

from tui.config import ConfigError, parse
from tui.library.importers import asterisk, plain
from tui.library.scan import scan
from tui.library.zone import named

NEW_YORK = named("America/New_York")


@pytest.fixture
def utc_machine(machine_zone):
    """A server in UTC reading a New York PBX."""
    machine_zone("UTC")


def test_samples_plain_times_with_the_phone_systems_zone_on_a_utc_machine(samples, truth, utc_machine):
    checked = 0
    for row in truth:
        if row["layout"] != "plain" or "mtime" in row["received_at_source"]:
            continue
        path = samples / row["path"]
        found = plain.read(path, path.stat(), region="US", zone=NEW_YORK)
        assert found.received_at == datetime.fromisoformat(row["received_at"]), row["path"]
        unset = plain.read(path, path.stat(), region="US")  # the machine's zone: UTC here, hours off
        if "file name" in row["received_at_source"]:
            assert unset.received_at != found.received_at
        checked += 1
    assert checked >= 3


def test_file_name_and_sidecar_times_are_read_in_the_zone(tmp_path, utc_machine):
    path = tmp_path / "2026-07-01 09.00.00 +13145550133.m4a"
    path.write_bytes(b"x")
    found = plain.read(path, path.stat(), zone=NEW_YORK)
    assert found.received_at == datetime(2026, 7, 1, 13, 0, tzinfo=timezone.utc)  # EDT, -4 in July
    other = tmp_path / "call.m4a"
    other.write_bytes(b"x")
    (tmp_path / "call.json").write_text('{"received_at": "2026-01-05T08:30:00", "caller_id_number": "3145550133"}')
    assert plain.read(other, other.stat(), zone=NEW_YORK).received_at == datetime(2026, 1, 5, 13, 30, tzinfo=timezone.utc)
    zulu = tmp_path / "2026-07-01T09_00_00Z +13145550133.m4a"  # a Z is UTC whatever the setting
    zulu.write_bytes(b"x")
    assert plain.read(zulu, zulu.stat(), zone=NEW_YORK).received_at == datetime(2026, 7, 1, 9, tzinfo=timezone.utc)


def test_asterisk_origdate_with_an_unknown_zone_name(tmp_path):
    when = asterisk._parse_origdate("Tue Nov 03 02:41:26 PM XYZT 2026", NEW_YORK)
    assert when == datetime(2026, 11, 3, 19, 41, 26, tzinfo=timezone.utc)
    assert asterisk._parse_origdate("Tue Nov 03 02:41:26 PM UTC 2026", NEW_YORK) == datetime(
        2026, 11, 3, 14, 41, 26, tzinfo=timezone.utc)  # a zone it spells wins


def test_changing_the_key_rereads_stored_times_and_keeps_state(tmp_path, store, tone_factory):
    folder = tmp_path / "voicemail"
    tone_factory(folder / "2026-11-07 09.12.58 +13145550133.wav", 0.5)
    tone_factory(folder / "Voicemail 3.wav", 0.5, 500)  # its time is its mtime: never re-read
    scan(store, [folder], zone=NEW_YORK)
    [named_file] = [m for m in store.messages() if m.caller_number]
    assert named_file.received_at == datetime(2026, 11, 7, 14, 12, 58, tzinfo=timezone.utc)
    store.set_notes(named_file.id, "call back Monday")
    unchanged = scan(store, [folder], zone=NEW_YORK)
    assert unchanged.unchanged == 2
    moved = scan(store, [folder], zone=named("Europe/Vienna"))
    assert moved.new == [] and moved.changed == [] and moved.unchanged == 2
    after = store.get(named_file.id)
    assert after.received_at == datetime(2026, 11, 7, 8, 12, 58, tzinfo=timezone.utc)
    assert after.received_at - named_file.received_at == timedelta(hours=-6)
    assert store.notes(after.id) == "call back Monday"


def test_config_key_is_validated():
    assert parse({"sources": {"timezone": "America/New_York"}}).source_zone() == NEW_YORK
    assert parse({}).source_zone() is None
    with pytest.raises(ConfigError, match="IANA time zone"):
        parse({"sources": {"timezone": "Eastern"}})
    with pytest.raises(ConfigError, match="IANA time zone"):
        parse({"sources": {"timezone": ""}})
