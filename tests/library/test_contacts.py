"""Contacts from vCard 3/4 files and vdirsyncer folders (real vobject parsing), matched to callers
through phonenumbers; shown in the list, the pane and the export; bad files skipped and reported."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tests.mail.mailkit import build, wav_bytes, write_maildir
from tui.app import format as fmt
from tui.app.widgets.callback_pane import details_text, locked_text
from tui.export import message_record, to_text
from tui.library.contacts import load
from tui.library.scan import scan
from tui.library.store import ExtractionMeta

VCARD3 = """BEGIN:VCARD\r
VERSION:3.0\r
FN:Dana Whitfield\r
N:Whitfield;Dana;;;\r
ORG:Acme Plumbing;Dispatch\r
TEL;TYPE=WORK,VOICE:(206) 555-0143\r
END:VCARD\r
"""
VCARD4 = """BEGIN:VCARD
VERSION:4.0
FN:Lee Park
TEL;VALUE=uri;TYPE=cell:tel:+1-312-555-0177
END:VCARD
"""
EXPORT = """BEGIN:VCARD
VERSION:3.0
N:Raman;Priya;;;
TEL:+1 415 555 0199
END:VCARD
BEGIN:VCARD
VERSION:3.0
ORG:Northside Clinic
TEL:650.555.0123
END:VCARD
"""


def _book(tmp_path: Path) -> Path:
    """vdirsyncer's layout: collections as folders, one .vcf per contact; plus a broken file."""
    book = tmp_path / "contacts"
    (book / "work").mkdir(parents=True)
    (book / "personal").mkdir()
    (book / "work" / "3f1c.vcf").write_text(VCARD3, newline="")
    (book / "personal" / "9a2b.vcf").write_text(VCARD4)
    (book / "personal" / "broken.vcf").write_text("BEGIN:VCARD\nFN:Half\nthis line is no property\n")
    (book / "personal" / ".hidden.vcf").write_text(VCARD4.replace("Lee Park", "Hidden"))
    return book


def test_vcard_3_and_4_and_an_export_file_meet_caller_ids_in_any_format(tmp_path):
    export = tmp_path / "all.vcf"
    export.write_text(EXPORT)
    logged: list[str] = []
    contacts = load([_book(tmp_path), export], "US", log=logged.append)
    assert contacts.count == 4
    assert contacts.lookup("+12065550143").name == "Dana Whitfield"
    assert contacts.lookup("+12065550143").organization == "Acme Plumbing, Dispatch"
    assert contacts.lookup("+13125550177").name == "Lee Park"
    assert contacts.lookup("+14155550199").name == "Priya Raman"  # from N: when there is no FN
    clinic = contacts.lookup("+16505550123")
    assert clinic.name is None and clinic.organization == "Northside Clinic"
    assert contacts.lookup("+19995550100") is None and contacts.lookup(None) is None
    [(path, reason)] = contacts.problems
    assert path.endswith("broken.vcf") and "not a vCard" in reason
    assert len(logged) == 1 and "broken.vcf" in logged[0]


def test_a_missing_path_is_reported_not_fatal(tmp_path):
    contacts = load([tmp_path / "nowhere.vcf"], "US", log=lambda line: None)
    assert contacts.count == 0 and contacts.problems == [(str(tmp_path / "nowhere.vcf"), "not found")]


def _library(tmp_path, store, *, caller_name="D WHITFIELD"):
    box = tmp_path / "Maildir"
    write_maildir(box, [build("Voicemail", f'\tFrom:\t"{caller_name}" <2065550143>\n', audio=wav_bytes(),
                              message_id="<c1@pbx.example.com>"),
                        build("Voicemail", '\tFrom:\t"Someone" <2125550111>\n', audio=wav_bytes(0.4, 500),
                              message_id="<c2@pbx.example.com>")])
    scan(store, [box])
    store.contacts = load([_book(tmp_path)], "US", log=lambda line: None)
    return {m.caller_number: m for m in store.messages()}


def test_known_callers_carry_their_contact_in_list_pane_and_export(tmp_path, store):
    messages = _library(tmp_path, store)
    dana, stranger = messages["+12065550143"], messages["+12125550111"]
    assert dana.contact.name == "Dana Whitfield" and stranger.contact is None
    # the list: the contact's name and organisation, the caller ID's own name beside it when it differs
    assert fmt.caller(dana) == "Dana Whitfield · Acme Plumbing, Dispatch (caller ID: D WHITFIELD)"
    assert fmt.caller(stranger) == "Someone"
    # the pane, locked and unlocked: a Contact line with the provenance "contact"; the caller ID line stays
    locked = locked_text(dana).plain
    assert "Contact   Dana Whitfield · Acme Plumbing, Dispatch  contact" in locked
    unlocked = details_text(dana, {}, ExtractionMeta((), None, None), "", region="US").plain
    assert "Caller ID (206) 555-0143 · D WHITFIELD" in unlocked and "Contact   Dana Whitfield" in unlocked
    # the export
    assert message_record(store, dana)["contact"] == {"name": "Dana Whitfield", "organization": "Acme Plumbing, Dispatch"}
    assert message_record(store, stranger)["contact"] is None
    store.record_progress(dana.id, heard=[(0, dana.duration_s)], position_s=0, reached_end=True, threshold=0.97)
    assert "Contact:    Dana Whitfield · Acme Plumbing, Dispatch" in to_text(store, region="US")


def test_the_same_name_is_not_repeated(tmp_path, store):
    dana = _library(tmp_path, store, caller_name="Dana Whitfield")["+12065550143"]
    assert fmt.caller(dana) == "Dana Whitfield · Acme Plumbing, Dispatch"
    generic = replace(dana, caller_name="WIRELESS CALLER")
    assert fmt.caller(generic) == "Dana Whitfield · Acme Plumbing, Dispatch"


def test_export_command_and_doctor_read_the_configured_contacts(tmp_path):
    from tests.test_cli import run

    book = _book(tmp_path)
    box = tmp_path / "Maildir"
    write_maildir(box, [build("Voicemail", '\tFrom:\t"D W" <2065550143>\n', audio=wav_bytes())])
    config = tmp_path / "config.toml"
    config.write_text(f'[sources]\nfolders = ["{box}"]\n[contacts]\npaths = ["{book}"]\n')
    run("--config", str(config), "scan", home=tmp_path)
    [record] = json.loads(run("--config", str(config), "export", "--format", "json", home=tmp_path).stdout)
    assert record["contact"] == {"name": "Dana Whitfield", "organization": "Acme Plumbing, Dispatch"}
    doctor = run("--config", str(config), "doctor", home=tmp_path, check_rc=None).stdout
    assert "contacts       2 contacts (2 phone numbers)" in doctor
    assert "broken.vcf: skipped (not a vCard file" in doctor
    log = (tmp_path / "state" / "voicemail-tui" / "voicemail-tui.log").read_text()
    assert "contacts: skipped" in log and "broken.vcf" in log


def test_config_rejects_a_contacts_path_that_is_not_text(tmp_path):
    import pytest

    from tui.config import load as load_config
    from tui.errors import ConfigError

    config = tmp_path / "c.toml"
    config.write_text("[contacts]\npaths = [1]\n")
    with pytest.raises(ConfigError, match=r"c.toml:2: \[contacts\] paths must be a list"):
        load_config(config)
    config.write_text("[contacts]\nfolder = []\n")
    with pytest.raises(ConfigError, match="is not a known key"):
        load_config(config)


def test_enrichment_uses_the_contact_as_a_cue(tmp_path, store):
    from tui.enrich import extract_for
    from tui.library.models import Segment, Transcript

    dana = _library(tmp_path, store)["+12065550143"]
    text = "Hi, this is Dana Whitfeld, please call me back."
    transcript = Transcript(text=text, segments=(Segment(0.0, 3.0, text),), words=(), model="test")
    extraction = extract_for(store, dana.id, transcript, region="US")
    # (the caller ID name "D WHITFIELD" already respells the surname; the contact confirms it)
    assert extraction.fields["name"].value == "Dana Whitfield"
    assert extraction.fields["name"].confidence == "high" and extraction.fields["name"].note == "matches your contact"
    store.contacts = None
    without = extract_for(store, dana.id, transcript, region="US").fields["name"]
    assert without.value == "Dana Whitfield" and without.note != "matches your contact"
