"""Hostile text payloads and a folder of voicemails that carry them everywhere text can come from."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.hardening.nasty import tone

PAYLOADS = [
    "[/]",
    "[@click=app.quit]x[/]",
    "[link=https://x]y[/link]",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b[2J\x1b[H",
    "\u202eevil\u202c \u2066iso\u2069",
    "\x9b31mC1\x9c",
    "\x07bell\x08\x7f",
    "[b]bold[/b] $name ${x}",
    "W" * 10_000,
]
# in file names: no "/" and no NUL
NAME_PAYLOADS = ["[@click=app.quit]x[", "\x1b]52;c;aGk=\x07", "\x1b[2J", "\u202eevil", "[link=https:x]y"]

CSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def gv_html(name: str, transcript: str) -> str:
    from html import escape

    return (
        '<html><body><div class="haudio"><div class="contributor vcard">Voicemail from '
        f'<a class="tel" href="tel:+12065550150"><span class="fn">{escape(name)}</span></a></div>'
        '<abbr class="published" title="2026-11-20T10:44:19.000-05:00">x</abbr>'
        f'<span class="description"><span class="full-text">{escape(transcript)}</span></span>'
        '<abbr class="duration" title="PT1S">(00:00:01)</abbr></div></body></html>'
    )


def build_hostile_folder(root: Path) -> None:
    """Plain files with hostile names and sidecars, a Google Voice export and an Asterisk spool with payloads."""
    for i, payload in enumerate(PAYLOADS):
        audio = tone(root / "plain" / f"2026-11-{i + 1:02d} 10.00.00 +1206555{100 + i:04d}.wav", 0.4, 300 + 37 * i)
        audio.with_suffix(".json").write_text(json.dumps({"caller_id_name": payload, "received_at": payload}))
    for i, name in enumerate(NAME_PAYLOADS):
        tone(root / "plain" / f"{name} {i}.wav", 0.4, 900 + 31 * i)
    calls = root / "Calls"
    stem = "Anna - Voicemail - 2026-11-20T15_44_19Z"
    tone(calls / f"{stem}.mp3", 0.5, 1400)
    (calls / f"{stem}.html").write_text(gv_html(" ".join(PAYLOADS[:9]), " ".join(PAYLOADS)))
    spool = root / "spool" / "INBOX"
    tone(spool / "msg0000.wav", 0.5, 1500)
    callerid = PAYLOADS[1] + PAYLOADS[3] + PAYLOADS[5]
    (spool / "msg0000.txt").write_text(
        f'[message]\ncallerid="{callerid}" <2065550160>\norigtime=1793716886\nduration=1\nmsg_id=1-0\n'
    )


def terminal_problems(output: str) -> list[str]:
    """What in a frame written to a terminal could change the terminal or hide text."""
    problems = []
    if "\x1b]" in output:
        problems.append("OSC sequence (clipboard, title or hyperlink)")
    if "\x1b[2J" in output:
        problems.append("clear-screen sequence")
    rest = CSI.sub("", output)
    leftover = CONTROLS.findall(rest.replace("\n", "").replace("\r", ""))
    if leftover:
        problems.append(f"raw control characters {sorted(set(leftover))!r}")
    return problems
