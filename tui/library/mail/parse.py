"""One mail -> its voicemail: the audio attachment, the caller ID, the time and the Message-ID.

Phone systems send voicemail as a mail with the recording attached. The caller ID is read,
in this order, from Asterisk's own headers (`X-Asterisk-CallerID`, `X-Asterisk-CallerIDName`,
IMAP storage's `X-Asterisk-VM-Caller-ID-Num/-Name`), the subject, then the body of the common
templates (see `tui.library.mail.templates`). The time is the `Date:` header. A mail without an
audio attachment (by MIME type `audio/*` or by the attachment's file name) is no voicemail.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from email import policy
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value, parsedate_to_datetime

from tui.library.mail import templates

# Attachment types phone systems use (Asterisk: audio/x-<format>, application/ogg for ogg).
_AUDIO_TYPES = {"application/ogg": ".ogg", "application/x-ogg": ".ogg"}
_EXT_BY_TYPE = {
    "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav", "audio/vnd.wave": ".wav", "audio/x-wav49": ".wav",
    "audio/mpeg": ".mp3", "audio/mp3": ".mp3", "audio/x-mp3": ".mp3", "audio/mpeg3": ".mp3",
    "audio/mp4": ".m4a", "audio/x-m4a": ".m4a", "audio/m4a": ".m4a", "audio/aac": ".aac",
    "audio/ogg": ".ogg", "audio/opus": ".opus", "audio/amr": ".amr", "audio/x-amr": ".amr",
    "audio/gsm": ".gsm", "audio/x-gsm": ".gsm", "audio/flac": ".flac", "audio/x-flac": ".flac",
    "audio/x-ulaw": ".ulaw", "audio/basic": ".ulaw", "audio/x-alaw": ".alaw", "audio/webm": ".webm",
    **_AUDIO_TYPES,
}
# Attachment names taken as audio whatever their MIME type says (application/octet-stream is common).
AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".amr", ".gsm", ".flac",
                              ".ulaw", ".alaw", ".webm", ".3gp"})
MAX_BODY_CHARS = 20_000
_SAFE_EXT = re.compile(r"^\.[a-z0-9]{1,6}$")


@dataclass(frozen=True, slots=True)
class Mail:
    message_id: str | None
    date: datetime | None  # aware; None when the mail has no usable Date:
    date_note: str | None  # why the Date: header was not used
    caller_name: str | None
    caller_number: str | None  # as the mail wrote it
    audio: EmailMessage | None  # the first audio attachment
    audio_ext: str  # lower-case suffix for the cache file (decides how ffmpeg reads raw formats)


# compat32: the email package's fast parser (the default policy's header objects cost ~4 ms a mail);
# the few headers read are decoded here (RFC 2047 encoded words: FusionPBX sends its subject so).
_PARSER = BytesParser(policy=policy.compat32)


def parse_bytes(data: bytes, *, naive_zone: tzinfo | None = None) -> Mail:
    return parse_message(_PARSER.parsebytes(data), naive_zone=naive_zone)


def parse_file(handle, *, naive_zone: tzinfo | None = None) -> Mail:
    return parse_message(_PARSER.parse(handle), naive_zone=naive_zone)


def parse_message(msg: EmailMessage, *, naive_zone: tzinfo | None = None) -> Mail:
    audio, ext = _audio_part(msg)
    name, number = caller_id(msg) if audio is not None else (None, None)
    date, note = _date(msg, naive_zone)
    message_id = _header(msg, "Message-ID")
    return Mail(message_id.strip()[:500] if message_id else None, date, note, name, number, audio, ext)


def _header(msg: EmailMessage, name: str) -> str | None:
    value = msg.get(name)
    if value is None:
        return None
    try:
        text = str(make_header(decode_header(str(value))))
    except Exception:  # noqa: BLE001 - a broken encoded word or charset: the header as written
        text = str(value)
    text = " ".join(text.split())
    return text or None


def _audio_part(msg: EmailMessage) -> tuple[EmailMessage | None, str]:
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type().lower()
        try:
            filename = part.get_filename() or ""
            filename = collapse_rfc2231_value(filename) if not isinstance(filename, str) else filename
        except Exception:  # noqa: BLE001 - a parameter the email package cannot read: no name
            filename = ""
        dot = filename.rfind(".")
        suffix = filename[dot:].lower() if dot >= 0 else ""
        if suffix in AUDIO_EXTENSIONS:
            return part, suffix if _SAFE_EXT.match(suffix) else ".bin"
        if ctype.startswith("audio/") or ctype in _AUDIO_TYPES:
            return part, _EXT_BY_TYPE.get(ctype, ".bin")
    return None, ""


def caller_id(msg: EmailMessage) -> tuple[str | None, str | None]:
    """(name, number as written) from the headers, subject and body, or (None, None)."""
    number = _header(msg, "X-Asterisk-CallerID") or _header(msg, "X-Asterisk-VM-Caller-ID-Num")
    name = _header(msg, "X-Asterisk-CallerIDName") or _header(msg, "X-Asterisk-VM-Caller-ID-Name")
    if number or name:
        return name, number
    subject = _header(msg, "Subject") or ""
    found = templates.from_subject(subject)
    if found and found[1]:
        return found
    body = body_text(msg)
    from_body = templates.from_body(body)
    if from_body and (from_body[1] or not found):
        return from_body
    return found or templates.generic(f"{subject}\n{body}") or (None, None)


def body_text(msg: EmailMessage) -> str:
    """The first text/plain part, else the first text/html one without its tags (at most MAX_BODY_CHARS)."""
    plain = html_text = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html"):
            continue
        payload = part.get_payload(decode=True) or b""
        try:
            text = payload.decode(part.get_content_charset() or "utf-8", "replace")
        except LookupError:  # a charset Python does not know
            text = payload.decode("utf-8", "replace")
        if ctype == "text/plain" and plain is None:
            plain = text
        elif ctype == "text/html" and html_text is None:
            html_text = text
    if plain is not None:
        return plain[:MAX_BODY_CHARS]
    if html_text is not None:
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>|<!--.*?-->", " ", html_text[: MAX_BODY_CHARS * 4])
        text = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|td|h\d)>", "\n", text)
        return html.unescape(re.sub(r"<[^>]*>", " ", text))[:MAX_BODY_CHARS]
    return ""


def _date(msg: EmailMessage, naive_zone: tzinfo | None) -> tuple[datetime | None, str | None]:
    raw = _header(msg, "Date")
    if not raw:
        return None, "the mail has no Date: header"
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, "the mail's Date: header cannot be read"
    if when.tzinfo is None:  # "-0000": the sender's zone unknown; read as the phone system's
        when = when.replace(tzinfo=naive_zone) if naive_zone else when.astimezone()
    return when, None


def attachment_bytes(part: EmailMessage) -> tuple[bytes, str | None]:
    """The attachment's decoded bytes and, when its transfer encoding is damaged, why."""
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:  # noqa: BLE001
        return b"", f"the audio attachment cannot be decoded ({type(exc).__name__})"
    damaged = [d for d in part.defects if "Base64" in type(d).__name__]
    if damaged:
        return data or b"", "the audio attachment's encoding is damaged"
    if not data:
        return b"", "the audio attachment is empty"
    return data, None
