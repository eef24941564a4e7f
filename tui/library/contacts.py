"""Contacts: vCard 3/4 files or folders of them (vdirsyncer's layout: one `.vcf` per contact, as
khard and khal use), parsed with vobject, indexed by E.164 number (`tui.library.phone.to_e164`
with the `[callback] default_region`), so "(415) 555-0132" and "+1 415 555 0132" meet.

A file that cannot be read or parsed is skipped with one line in the log and listed in
`Contacts.problems` (shown by `doctor`); the others still count. Read-only, like every source.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import vobject

from tui.library.models import Contact
from tui.library.phone import to_e164
from tui.paths import log_file
from tui.text import clean

MAX_FILE_BYTES = 16 << 20  # a contacts export larger than this is not read
MAX_FILES = 100_000


@dataclass
class Contacts:
    by_number: dict[str, Contact] = field(default_factory=dict)
    count: int = 0  # contacts read (with or without a phone number)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): files skipped

    def lookup(self, e164: str | None) -> Contact | None:
        return self.by_number.get(e164) if e164 else None

    def __len__(self) -> int:
        return self.count


def load(paths: Iterable[str | Path], region: str = "US", *, log: Callable[[str], None] | None = None) -> Contacts:
    """Every contact in `paths`. Each file skipped is one line through `log` (default: the
    program's log file, `tui.paths.log_file`, never the screen)."""
    contacts = Contacts()
    for path in _files(paths, contacts):
        _read_file(path, region, contacts)
    for path, reason in contacts.problems:
        (log or _log_line)(f"contacts: skipped {clean(path, single_line=True)}: {reason}")
    return contacts


def _log_line(line: str) -> None:
    try:
        target = log_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {line}\n")
    except OSError:
        pass  # the log is a courtesy; doctor lists the same files


def _files(paths: Iterable[str | Path], contacts: Contacts) -> list[str]:
    found: list[str] = []
    for raw in paths:
        path = os.path.abspath(os.path.expanduser(str(raw)))
        if os.path.isfile(path):
            found.append(path)
        elif os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(os.path.join(folder, name) for name in sorted(files)
                             if name.lower().endswith((".vcf", ".vcard")) and not name.startswith("."))
                if len(found) >= MAX_FILES:
                    break
        else:
            _problem(contacts, path, "not found")
    return found[:MAX_FILES]


def _problem(contacts: Contacts, path: str, reason: str) -> None:
    contacts.problems.append((path, clean(reason, single_line=True, limit=200)))


def _read_file(path: str, region: str, contacts: Contacts) -> None:
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            _problem(contacts, path, "file too large for a contacts file")
            return
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    except OSError as exc:
        _problem(contacts, path, f"cannot be read ({exc.strerror})")
        return
    try:
        cards = [card for card in vobject.readComponents(text, ignoreUnreadable=False)
                 if card.name.upper() == "VCARD"]
    except Exception as exc:  # noqa: BLE001 - vobject raises ParseError and others on bad input
        _problem(contacts, path, f"not a vCard file ({type(exc).__name__}: {str(exc)[:120]})")
        return
    if not cards:
        _problem(contacts, path, "no vCard in the file")
        return
    for card in cards:
        _add(card, path, region, contacts)


def _value(card, name: str) -> str | None:
    item = card.contents.get(name.lower())
    if not item:
        return None
    value = item[0].value
    if isinstance(value, (list, tuple)):
        value = ", ".join(part for part in value if isinstance(part, str) and part.strip())
    if not isinstance(value, str):
        value = str(value)
    return " ".join(value.split())[:200] or None


def _name(card) -> str | None:
    name = _value(card, "fn")
    if name:
        return name
    structured = card.contents.get("n")
    if structured:
        n = structured[0].value
        parts = [getattr(n, "given", ""), getattr(n, "family", "")]
        text = " ".join(" ".join(p) if isinstance(p, list) else p for p in parts if p)
        return " ".join(text.split()) or None
    return None


def _add(card, path: str, region: str, contacts: Contacts) -> None:
    contacts.count += 1
    contact = Contact(name=_name(card), organization=_value(card, "org"), source=path)
    if contact.name is None and contact.organization is None:
        return
    for tel in card.contents.get("tel", []):
        raw = tel.value if isinstance(tel.value, str) else ""
        raw = raw.strip()
        if raw.lower().startswith("tel:"):
            raw = raw[4:].split(";", 1)[0]
        e164 = to_e164(raw, region)
        if e164 and e164 not in contacts.by_number:
            contacts.by_number[e164] = contact
