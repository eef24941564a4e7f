"""Caller ID in the subject and body of the voicemail mails phone systems send.

The templates (real ones in ../shared/peer-fixtures/email, see its SOURCES.md):

* Asterisk default body: `... left a 0:12 long message (number 3) in mailbox 100 from
  "Dana Whitfield" <2065550143>, on ...` (or `from NAME`, `from NUMBER`, `from an unknown caller`);
* FreePBX body: `\tFrom:\t"Dana Whitfield" <2065550143>`;
* FreeSWITCH voicemail.tpl subject `12 sec Voicemail from Dana Whitfield 2065550143`, body
  `From: Dana Whitfield 2065550143`; notify-voicemail.tpl and FusionPBX `Voicemail from "NAME"
  <NUMBER> 12` (de-at: `Sprachnachricht von NAME <NUMBER> 00:00:12`, body `Anrufer NUMBER`);
* Kazoo `New voicemail from NAME (NUMBER)`, body `Caller: NAME (NUMBER)`; RingCentral `New Voice
  Message from NAME (NUMBER)`; 3CX `New Voicemail from NAME (NUMBER)`;
* a generic fallback: a `+`-prefixed or 10-digit number near "from".

Every function returns (name, number as written) or None; a name or number may be None.
"""

from __future__ import annotations

import re

_NUM = r"\+?\(?[0-9][0-9 ().\-]{0,28}[0-9]|[0-9]"
_QUOTED = rf'"(?P<name>[^"\n]{{0,200}})"\s*<(?:sip:|tel:)?(?P<num>[^>\n@]{{1,40}})(?:@[^>\n]*)?>'
_ANGLE = rf"(?P<name>[^\"<>\n]{{0,200}}?)\s*<(?:sip:|tel:)?(?P<num>[^>\n@]{{1,40}})(?:@[^>\n]*)?>"
_PAREN = rf"(?P<name>[^()\n]{{0,200}}?)\s*\((?P<num>{_NUM})\)(?!\s*[0-9])"

_SUBJECT = [
    re.compile(rf"(?i)\b(?:from|von)\s+(?:{_QUOTED})"),
    re.compile(rf"(?i)\b(?:from|von)\s+(?:{_ANGLE})"),
    re.compile(rf"(?i)\b(?:from|von)\s+(?:{_PAREN})"),
    # FreeSWITCH voicemail.tpl: "12 sec Voicemail from NAME NUMBER"
    re.compile(rf"(?i)\bvoice\s?mail\s+from\s+(?P<name>.*?)\s*(?P<num>\+?[0-9][0-9\-]{{1,30}})\s*$"),
]
_BODY = [
    re.compile(rf"(?im)^[ \t]*(?:From|Caller|Anrufer|Von)\s*:?[ \t]+(?:{_QUOTED})"),
    re.compile(rf"(?im)^[ \t]*(?:From|Caller|Anrufer|Von)\s*:?[ \t]+(?:{_ANGLE})"),
    re.compile(rf"(?im)^[ \t]*(?:From|Caller|Anrufer|Von)\s*:?[ \t]+(?:{_PAREN})"),
    # FreeSWITCH body: "From: NAME NUMBER"; FusionPBX de-at (tags removed): "Anrufer NUMBER"
    re.compile(r"(?im)^[ \t]*(?:From|Caller|Anrufer)\s*:?[ \t]+(?P<name>[^\n]*?)[ \t]*(?P<num>\+?[0-9][0-9\-]{1,30})[ \t]*$"),
    # Asterisk's default body: "... from "NAME" <NUMBER>, on ..." / "from NAME, on" / "from NUMBER, on"
    re.compile(rf"(?i)\bfrom\s+(?:{_QUOTED}),?\s+on\b"),
    re.compile(rf"(?i)\bfrom\s+(?:{_ANGLE}),?\s+on\b"),
    re.compile(r"(?i)\bin mailbox \S+\s+from\s+(?P<name>[^,\n<>]{1,200}?),?\s+on\b"),
    # Kazoo's first paragraph, RingCentral-style bodies: "a new voicemail from NAME (NUMBER)"
    re.compile(rf"(?i)\b(?:voice\s?mail|message)\s+from\s+(?:{_PAREN})"),
]
_GENERIC = re.compile(
    r"(?is)\b(?:from|von|caller|anrufer)\b.{0,80}?(?P<num>\+[0-9][0-9 ().\-]{6,20}[0-9]|\(?\b[0-9]{3}\)?[ .\-]?[0-9]{3}[ .\-]?[0-9]{4}\b)"
)
_UNKNOWN = re.compile(r"(?i)^(?:an? )?unknown(?: caller)?$")


def _pair(match: re.Match) -> tuple[str | None, str | None] | None:
    groups = match.groupdict()
    name = (groups.get("name") or "").strip().strip('"').strip() or None
    number = (groups.get("num") or "").strip() or None
    if name and _UNKNOWN.match(name):
        name = None
    if number and not any(ch.isdigit() for ch in number):  # "<Unknown>", "<anonymous>"
        number = None
    if name and number is None and re.fullmatch(r"\+?[0-9][0-9 ().\-]{1,30}", name):
        name, number = None, name  # Asterisk wrote the number where a name goes
    if name is None and number is None:
        return None
    return name, number


def from_subject(subject: str) -> tuple[str | None, str | None] | None:
    subject = " ".join(subject.split())
    for pattern in _SUBJECT:
        match = pattern.search(subject)
        if match and (pair := _pair(match)):
            return pair
    return None


def from_body(body: str) -> tuple[str | None, str | None] | None:
    for pattern in _BODY:
        match = pattern.search(body)
        if match and (pair := _pair(match)):
            return pair
    return None


def generic(text: str) -> tuple[str | None, str | None] | None:
    match = _GENERIC.search(text)
    return (None, match.group("num").strip()) if match else None
