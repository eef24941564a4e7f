"""Caller ID, time and identity from the voicemail mails of the common phone systems, each built
from its real template (../shared/peer-fixtures/email) or, where none was found (3CX,
RingCentral), from the subject the issue quotes."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from tests.mail.mailkit import (
    WHEN,
    asterisk_sample_lines,
    build,
    fill,
    fixture,
    freepbx_parsed_sample,
    from_mail_template,
    wav_bytes,
)
from tui.library.mail import read

DANA = {"name": "Dana Whitfield", "number": "2065550143"}


def _read(tmp_path, mail):
    st = os.stat(tmp_path)
    return read.read_bytes(mail.as_bytes(), str(tmp_path / "box.mbox/@0"), st, cache_dir=tmp_path / "cache",
                           region="US")


def _caller(tmp_path, mail):
    found, _hash = _read(tmp_path, mail)
    assert found.error is None, found.error
    return found.caller_name, found.caller_number, found.caller_raw


def test_asterisk_default_template(tmp_path):
    lines = asterisk_sample_lines()
    values = {"VM_NAME": "Sam Ortiz", "VM_DUR": "0:12", "VM_MSGNUM": "3", "VM_MAILBOX": "100",
              "VM_CALLERID": f'"{DANA["name"]}" <{DANA["number"]}>', "VM_DATE": "Monday, March 02, 2026 at 10:04:05 AM"}
    mail = build(fill(lines["emailsubject"], values), fill(lines["emailbody"], values), audio=wav_bytes())
    assert _caller(tmp_path, mail) == ("Dana Whitfield", "+12065550143", "2065550143")


def test_asterisk_default_body_with_a_number_only_and_an_unknown_caller(tmp_path):
    body = asterisk_sample_lines()["emailbody"]
    values = {"VM_DUR": "0:07", "VM_MSGNUM": "1", "VM_MAILBOX": "100", "VM_DATE": "today"}
    number_only = build("New message 1 in mailbox 100", fill(body, {**values, "VM_CALLERID": "3125550177"}),
                        audio=wav_bytes())
    assert _caller(tmp_path, number_only)[1:] == ("+13125550177", "3125550177")
    unknown = build("New message 1 in mailbox 100", fill(body, {**values, "VM_CALLERID": "an unknown caller"}),
                    audio=wav_bytes())
    assert _caller(tmp_path, unknown) == (None, None, None)


def test_asterisk_headers_win_over_the_text(tmp_path):
    mail = build("[PBX]: New message 2 in mailbox 100", "You have a new message in your mailbox",
                 audio=wav_bytes(), headers={"X-Asterisk-CallerID": "4155550132", "X-Asterisk-CallerIDName": "Lee Park"})
    assert _caller(tmp_path, mail) == ("Lee Park", "+14155550132", "4155550132")


def test_asterisk_testsuite_template_without_caller_id(tmp_path):
    conf = fixture("asterisk-testsuite__leave_voicemail_external_notification__voicemail.conf")
    subject = next(l.split("=", 1)[1].strip() for l in conf.splitlines() if l.startswith("emailsubject"))
    body = next(l.split("=", 1)[1].strip() for l in conf.splitlines() if l.startswith("emailbody"))
    found, _ = _read(tmp_path, build(subject, body, audio=wav_bytes()))
    assert found.error is None and found.caller_number is None and found.caller_name is None
    assert found.received_at == WHEN and found.received_at_source == "mail Date: header"


def test_freepbx_rendered_bodies(tmp_path):
    """The two bodies real FreePBX installs sent: expected values read off the files."""
    vicvn = fixture("keepwalking86-gsm-gateway-freepbx__Setup-FreePBX_md__rendered_FreePBX_body.txt")
    assert '"VICVN" <101>' in vicvn
    assert _caller(tmp_path, build("PBX Voicemail Notification", vicvn, audio=wav_bytes())) == ("VICVN", None, "101")
    sample = freepbx_parsed_sample()
    mail = build(sample["topic"], sample["payload"], audio=wav_bytes(), filename=sample["attachments"][0]["filename"],
                 mime=sample["attachments"][0]["contentType"])
    assert '"WIRELESS CALLER" <14025406445>' in sample["payload"]
    assert _caller(tmp_path, mail) == ("WIRELESS CALLER", "+14025406445", "14025406445")


FS = {"voicemail_caller_id_name": "Dana Whitfield", "voicemail_caller_id_number": "2065550143",
      "voicemail_message_len": "12", "voicemail_account": "1001", "voicemail_domain": "pbx.example.com",
      "voicemail_time": "2026-03-02 10:04:05", "voicemail_email": "you@example.com",
      "voicemail_notify_email": "you@example.com", "RFC2822_DATE": "Mon, 02 Mar 2026 10:04:05 -0500"}


@pytest.mark.parametrize("template", [
    "signalwire-freeswitch__conf__voicemail.tpl",
    "signalwire-freeswitch__conf__notify-voicemail.tpl",
    "fusionpbx__app__switch__resources__conf__voicemail.tpl",
    "fusionpbx__app__switch__resources__conf__notify-voicemail.tpl",
])
def test_freeswitch_and_fusionpbx_mail_templates(tmp_path, template):
    mail = from_mail_template(template, FS, wav_bytes(), filename="msg_3f2a.wav")
    assert _caller(tmp_path, mail) == ("Dana Whitfield", "+12065550143", "2065550143")


FUSION = {"caller_id_name": "Lee Park", "caller_id_number": "3125550177", "message_duration": "00:00:12",
          "voicemail_name_formatted": "1001", "message_date": "Mon 02 Mar 2026 10:04:05 AM", "message": "1"}


@pytest.mark.parametrize("body_template", ["fusionpbx__voicemail_templates__en_us_email_body.tpl",
                                           "fusionpbx__voicemail_templates__en_us_email_body_transcription.tpl"])
def test_fusionpbx_voicemail_app_en_us(tmp_path, body_template):
    subject = fill(fixture("fusionpbx__voicemail_templates__en_us_email_subject.tpl"), FUSION).strip()
    values = {**FUSION, "message_text": "Hi, it's Lee from Northside, call me at 312 555 0177."}
    body = fill(fixture(body_template), values)
    mail = build(subject, body, audio=wav_bytes(), filename="msg_9c1e.wav", encode_subject=True)
    assert "=?utf-8?" in mail.as_string()  # sent base64-encoded, as FusionPBX does
    assert _caller(tmp_path, mail) == ("Lee Park", "+13125550177", "3125550177")


def test_fusionpbx_voicemail_app_de_at(tmp_path):
    subject = fill(fixture("fusionpbx__voicemail_templates__de_at_email_subject.tpl"), FUSION).strip()
    body = fill(fixture("fusionpbx__voicemail_templates__de_at_email_body.tpl"), FUSION)
    mail = build(subject, body, audio=wav_bytes(), html=True, mime="audio/mpeg", filename="msg_9c1e.mp3",
                 encode_subject=True)
    assert _caller(tmp_path, mail) == ("Lee Park", "+13125550177", "3125550177")
    # the body alone (a subject someone changed) still gives the number: "Anrufer" in the HTML table
    body_only = build("Neue Sprachnachricht", body, audio=wav_bytes(), html=True)
    assert _caller(tmp_path, body_only)[1] == "+13125550177"


def test_kazoo_template(tmp_path):
    values = {"caller_id.name": "Priya Raman", "caller_id.number": "+14155550199", "user.first_name": "Sam",
              "voicemail.vmbox_name": "Sales", "voicemail.vmbox_number": "3000", "voicemail.length": "00:00:21"}
    subject = fill("New voicemail from {{caller_id.name}} ({{caller_id.number}})", values)
    body = fill(fixture("kazoo__applications_teletype_priv_templates__voicemail_to_email.text"), values)
    mail = build(subject, body, audio=wav_bytes(), filename="priya_raman_march_2.mp3", mime="audio/mpeg")
    assert _caller(tmp_path, mail) == ("Priya Raman", "+14155550199", "+14155550199")
    # and from the body alone
    assert _caller(tmp_path, build("Voicemail", body, audio=wav_bytes()))[:2] == ("Priya Raman", "+14155550199")


@pytest.mark.parametrize("subject", [
    "New Voice Message from Omar Haddad (650) 555-0123",  # no brackets around the whole number: generic fallback
    "New Voice Message from Omar Haddad ((650) 555-0123)",
    "New Voice Message from OMAR HADDAD (6505550123)",  # RingCentral
    "New Voicemail from Omar Haddad (6505550123)",  # 3CX
])
def test_ringcentral_and_3cx_subjects(tmp_path, subject):
    name, number, _raw = _caller(tmp_path, build(subject, "Please find the voicemail attached.", audio=wav_bytes()))
    assert number == "+16505550123"
    if "((" in subject or subject.endswith("23)"):
        assert name.lower() == "omar haddad"


def test_generic_fallback(tmp_path):
    mail = build("Voicemail", "You received a voicemail from +1 206 555 0188 at 10:04.", audio=wav_bytes())
    assert _caller(tmp_path, mail)[1] == "+12065550188"


def test_message_id_is_the_source_key_and_the_date_is_aware(tmp_path):
    found, audio_hash = _read(tmp_path, build("Voicemail from 2065550143", "", audio=wav_bytes()))
    assert found.source_key == "mail:<vm-1@pbx.example.com>"
    assert found.received_at == datetime(2026, 3, 2, 15, 4, 5, tzinfo=timezone.utc)
    assert len(audio_hash) == 16 and found.audio.endswith(f"{audio_hash}.wav")


def test_a_mail_without_audio_is_no_voicemail(tmp_path):
    assert _read(tmp_path, build("Lunch?", "from 2065550143")) is None
    text_attachment = build("Notes", "see attached")
    text_attachment.add_attachment(b"hello", maintype="text", subtype="plain", filename="notes.txt")
    assert _read(tmp_path, text_attachment) is None


def test_audio_found_by_extension_when_the_type_is_generic(tmp_path):
    mail = build("Voicemail from 2065550143", "", audio=wav_bytes(), mime="application/octet-stream",
                 filename="msg0001.wav")
    found, _ = _read(tmp_path, mail)
    assert found.audio.endswith(".wav")
