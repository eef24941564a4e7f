"""Voicemail mails for the tests, built with the standard library's `email` package from the real
templates in ../shared/peer-fixtures/email (tests/corpus.py's PEER_FIXTURES; never copied here).
People and numbers are invented (555-01XX)."""

from __future__ import annotations

import base64
import io
import json
import mailbox
import re
import wave
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.parser import Parser
from email.utils import format_datetime
from pathlib import Path

from tests.corpus import PEER_FIXTURES

EMAIL = PEER_FIXTURES / "email"
WHEN = datetime(2026, 3, 2, 15, 4, 5, tzinfo=timezone.utc)


def fixture(name: str) -> str:
    return (EMAIL / name).read_text("utf-8")


def wav_bytes(seconds: float = 0.5, freq: int = 440) -> bytes:
    """A real, tiny WAV (8 kHz mono tone); different `freq`, different bytes."""
    import math

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        frames = bytearray()
        for i in range(int(seconds * 8000)):
            value = int(8000 * math.sin(2 * math.pi * freq * i / 8000))
            frames += value.to_bytes(2, "little", signed=True)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def fill(template: str, values: dict[str, str]) -> str:
    """${name} (Asterisk, FreeSWITCH, FusionPBX) and {{name}} (Kazoo) filled in."""
    text = re.sub(r"\$\{(\w+)\}", lambda m: values.get(m.group(1), ""), template)
    text = re.sub(r"\{%.*?%\}", "", text)
    return re.sub(r"\{\{\s*([\w.]+)(?:\|[^}]*)?\s*\}\}", lambda m: values.get(m.group(1), ""), text)


def build(subject: str, body: str, *, audio: bytes | None = None, filename: str = "msg0000.wav",
          mime: str = "audio/x-wav", html: bool = False, headers: dict[str, str] | None = None,
          message_id: str | None = "<vm-1@pbx.example.com>", when: datetime | None = WHEN,
          encode_subject: bool = False) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP.clone(refold_source="none"))  # headers set raw stay as written
    msg["From"] = '"PBX" <pbx@example.com>'
    msg["To"] = "you@example.com"
    if encode_subject:  # as FusionPBX sends it: one base64 encoded word, kept as written
        msg.set_raw("Subject", "=?utf-8?B?" + base64.b64encode(subject.encode("utf-8")).decode("ascii") + "?=")
    else:
        msg["Subject"] = subject
    if when is not None:
        msg["Date"] = format_datetime(when)
    if message_id:
        msg["Message-ID"] = message_id
    for key, value in (headers or {}).items():
        msg[key] = value
    if html:
        msg.set_content(body, subtype="html")
    else:
        msg.set_content(body)
    if audio is not None:
        maintype, subtype = mime.split("/")
        msg.add_attachment(audio, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def from_mail_template(name: str, values: dict[str, str], audio: bytes, **kw) -> EmailMessage:
    """A FreeSWITCH/FusionPBX template that is a whole mail (headers + parts): its Subject and
    plain-text part, rebuilt as a mail with the recording attached (as switch_simple_email does)."""
    parsed = Parser(policy=policy.default).parsestr(fill(fixture(name), values).replace("\r\n", "\n"))
    plain = next((p for p in parsed.walk() if p.get_content_type() == "text/plain"), None)
    body = plain.get_payload() if plain is not None else parsed.get_payload()
    if not isinstance(body, str):  # the template's boundary did not split: its text as it stands
        body = fill(fixture(name), values).split("\n\n", 1)[1]
    return build(str(parsed["Subject"]), body, audio=audio, **kw)


def asterisk_sample_lines() -> dict[str, str]:
    """voicemail.conf.sample's commented `emailsubject=` / first `emailbody=` lines (\\n, \\t unescaped)."""
    found: dict[str, str] = {}
    for line in fixture("asterisk__configs_samples_voicemail.conf.sample").splitlines():
        match = re.match(r"^;(emailsubject|emailbody)=(.*)$", line)
        if match and match.group(1) not in found:
            found[match.group(1)] = match.group(2).replace("\\n", "\n").replace("\\t", "\t")
    return found


def freepbx_parsed_sample() -> dict:
    text = fixture("H2OKing89-node-red__email_README_md__FreePBX_notification_as_parsed.json.md")
    return json.loads(text.split("```json", 1)[1].split("```", 1)[0])


def write_maildir(root: Path, mails: list[EmailMessage], *, folder: str | None = None) -> list[Path]:
    """Delivered as a mail program does (tmp/ then new/), through mailbox.Maildir."""
    root.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(root, create=True)
    if folder:
        box = box.add_folder(folder) if folder not in box.list_folders() else box.get_folder(folder)
    paths = []
    for mail in mails:
        key = box.add(mail)
        paths.append(Path(box._path) / box._lookup(key))  # noqa: SLF001 - the file the key names
    return paths


def write_mbox(path: Path, mails: list[EmailMessage]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.mbox(path, create=True)
    box.lock()
    for mail in mails:
        box.add(mail)
    box.flush()
    box.unlock()
    box.close()
