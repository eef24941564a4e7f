"""Callback notes as text (one block per call, ready to print) or JSON (the interface contract).

Unlistened messages are listed as "not yet listened" without their details: the export never
leaks what the app has not let you see. Files are written atomically (temp file + rename).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from tui.audio.coverage import heard_fraction
from tui.errors import UserError
from tui.extract.core import no_call_json
from tui.library import phone
from tui.library.models import CALLBACK_FIELDS, CallbackField, Message, State
from tui.library.store import Store
from tui.text import clean, display_path


class ExportError(UserError):
    pass


def message_record(store: Store, message: Message) -> dict[str, Any]:
    """One message as the JSON contract describes it."""
    record: dict[str, Any] = {
        "id": message.id,
        "path": display_path(message.path),
        "received_at": message.received_at.isoformat(),
        "duration_s": None if message.duration_s is None else round(message.duration_s, 2),
        "caller_id": {"number": message.caller_number, "name": message.caller_name, "raw": message.caller_raw},
        "state": message.state.value,
        "heard_fraction": round(heard_fraction(message.heard, message.duration_s), 4),
        "archived": message.archived,
        "outcome": message.outcome if message.called_back_at else None,
        "contact": ({"name": message.contact.name, "organization": message.contact.organization}
                    if message.contact is not None else None),
    }
    if message.error:
        record["error"] = message.error
        record["error_will_retry"] = message.error_transient  # not the content's fault: the next scan reads it again
    if message.missing:
        record["missing"] = True
    if message.listened:
        fields = store.callback(message.id)
        meta = store.extraction_meta(message.id)
        callback: dict[str, Any] = {name: _value(fields.get(name)) for name in CALLBACK_FIELDS}
        callback["number_differs_from_caller_id"] = _differs(callback["number"], message.caller_number, meta.number_differs)
        callback["confidence"] = {
            name: field.confidence for name, field in fields.items() if field.value is not None and field.confidence
        }
        callback["evidence"] = {
            name: [round(field.evidence[0], 2), round(field.evidence[1], 2)]
            for name, field in fields.items()
            if field.evidence is not None
        }
        if meta.alt_numbers:
            callback["alt_numbers"] = list(meta.alt_numbers)
        callback["no_call"] = no_call_json(meta.no_call)
        record["callback"] = callback
        record["notes"] = store.notes(message.id)
        if message.called_back_at:
            record["called_back_at"] = message.called_back_at.isoformat()
    return record


def _value(field: CallbackField | None) -> str | None:
    return field.value if field else None


def _differs(number: str | None, caller_id: str | None, stored: bool | None) -> bool:
    if stored is not None:
        return stored
    return bool(number and caller_id and number != caller_id)


# Characters json.dumps(ensure_ascii=False) leaves raw that can still change a terminal or reorder
# text (DEL, C1 controls, bidi overrides): written as \uXXXX escapes, so the data stays exact.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u2028\u2029]")


def to_json(store: Store, messages: list[Message] | None = None) -> str:
    messages = store.messages() if messages is None else messages
    text = json.dumps([message_record(store, message) for message in messages], indent=2, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def to_text(store: Store, messages: list[Message] | None = None, *, region: str = "US", now: datetime | None = None) -> str:
    messages = store.messages() if messages is None else messages
    now = now or datetime.now().astimezone()
    all_messages = messages
    archived = sum(1 for m in messages if m.archived)
    messages = [m for m in messages if not m.archived]  # archived: out of every list
    to_call = [m for m in messages if m.state is State.LISTENED]
    done = [m for m in messages if m.state is State.CALLED_BACK and m.listened]
    unheard = [m for m in messages if not m.listened and m.state is not State.ERROR]
    summary = f"{len(to_call)} to call back, {len(done)} called back, {len(unheard)} not yet listened"
    lines = [
        f"Callback notes — {now.strftime('%a %d %b %Y %H:%M')}",
        summary + (f" ({archived} archived, not listed)" if archived else ""),
        "",
    ]
    earlier = _others_by_caller(all_messages, sorted(to_call + done, key=lambda m: (m.received_at, m.id), reverse=True))
    for message in to_call:
        lines += _block(store, message, region, now.tzinfo, earlier.get(message.id, ()))
    if unheard:
        lines.append("NOT YET LISTENED — listen before calling back")
        lines.append("")
        for message in unheard:
            lines.append(f"  - {_who(message, region)}, {_when(message, now.tzinfo)}{_length(message)}")
        lines.append("")
    if done:
        lines.append("ALREADY CALLED BACK")
        lines.append("")
        for message in done:
            lines += _block(store, message, region, now.tzinfo, earlier.get(message.id, ()))
    text = "\n".join(lines).rstrip() + "\n"
    return text


def _others_by_caller(everything: list[Message], blocks: list[Message]) -> dict[str, list[tuple[str, Message]]]:
    """The newest block of each caller -> the caller's other messages (archived too), newest first,
    each labelled "Newer:" (not listened yet, so it has no block above) or "Earlier:"."""
    from tui.library.history import same_caller

    result: dict[str, list[tuple[str, Message]]] = {}
    seen: set[str] = set()
    for message in blocks:  # newest first
        if not message.caller_number or message.caller_number in seen:
            continue
        seen.add(message.caller_number)
        history = same_caller(everything, message)  # oldest first
        index = [m.id for m in history].index(message.id)
        others = [("Newer:", m) for m in reversed(history[index + 1:])] + [("Earlier:", m) for m in reversed(history[:index])]
        if others:
            result[message.id] = others
    return result


def _state_words(message: Message) -> str:
    if message.no_call_needed:
        words = "no call needed"
    elif message.called_back_at:
        words = "called back" + (f": {clean(message.outcome, single_line=True, limit=60)}" if message.outcome else "")
    elif message.error:
        words = "cannot be played"
    elif message.listened:
        words = "listened"
    else:
        words = "partly heard" if message.heard else "not yet listened"
    return words + (", archived" if message.archived else "")


def _block(store: Store, message: Message, region: str, zone: tzinfo | None, earlier=()) -> list[str]:
    fields = store.callback(message.id)
    meta = store.extraction_meta(message.id)

    def get(name: str) -> str:
        field = fields.get(name)
        return clean(field.value, single_line=True) if field and field.value else ""

    name, company = get("name"), get("company")
    title = " — ".join(part for part in (name or _who(message, region), company) if part)
    number = fields.get("number")
    number_text = phone.international(number.value) if number and number.value else ""
    if get("extension"):
        number_text += f", extension {get('extension')}"
    if not number_text and not message.caller_number and message.caller_raw:
        number_text = phone.shown_raw(message.caller_raw) + " (as the phone system wrote it)"
    lines = [f"== {title} ==", f"Call:       {number_text or '(no number: check the message)'}"]
    if get("ask_for"):
        lines.append(f"Ask for:    {get('ask_for')}")
    if get("request"):
        lines.append(f"Request:    {get('request')}")
    caller = phone.international(message.caller_number) or phone.shown_raw(message.caller_raw) or "withheld"
    if message.caller_name:
        caller += f" ({clean(message.caller_name, single_line=True)})"
    differs = _differs(number.value if number else None, message.caller_number, meta.number_differs)
    lines.append(f"Caller ID:  {caller}" + (" — differs from the number to call" if differs else ""))
    if message.contact is not None:
        known = " · ".join(part for part in (message.contact.name, message.contact.organization) if part)
        lines.append(f"Contact:    {clean(known, single_line=True)}")
    lines.append(f"Received:   {_when(message, zone)}{_length(message)}")
    doubtful = [n for n in CALLBACK_FIELDS if n in fields and fields[n].value and fields[n].confidence == "low"]
    for name_ in doubtful:
        field = fields[name_]
        where = f" — replay {_clock(field.evidence[0])}-{_clock(field.evidence[1])}" if field.evidence else ""
        lines.append(f"Check:      {name_.replace('_', ' ')} is uncertain{where}")
    if meta.no_call and not message.called_back_at:
        sure = "" if meta.no_call.confidence == "high" else " (uncertain: check it)"
        lines.append(f"No call:    not asked for{sure} — “{clean(meta.no_call.value, single_line=True)}”")
    if meta.alt_numbers:
        lines.append("Also said:  " + ", ".join(phone.international(n) for n in meta.alt_numbers))
    notes = clean(store.notes(message.id)).strip()
    if notes:
        first, *rest = notes.splitlines()
        lines.append(f"Notes:      {first}")
        lines += [f"            {line}" for line in rest]
    previous_label = None
    for label, other in earlier:
        shown = label if label != previous_label else ""
        previous_label = label
        lines.append(f"{shown:<12}{_when(other, zone)} ({_state_words(other)})")
    if message.no_call_needed:
        lines.append(f"Handled {message.called_back_at.astimezone(zone).strftime('%a %d %b %H:%M')}: no call needed")
    elif message.called_back_at:
        outcome = f": {clean(message.outcome, single_line=True)}" if message.outcome else ""
        lines.append(f"Called back {message.called_back_at.astimezone(zone).strftime('%a %d %b %H:%M')}{outcome}")
    lines.append("")
    return lines


def _who(message: Message, region: str) -> str:
    if message.contact is not None and (message.contact.name or message.contact.organization):
        return clean(message.contact.name or message.contact.organization, single_line=True)
    if message.caller_name and not phone.is_generic_name(message.caller_name):
        return clean(message.caller_name, single_line=True)
    return phone.international(message.caller_number) or phone.shown_raw(message.caller_raw) or "Unknown caller"


def _when(message: Message, zone: tzinfo | None) -> str:
    """In the reader's zone: the zone of `now` (None: this machine's)."""
    return message.received_at.astimezone(zone).strftime("%a %d %b %Y %H:%M")


def _length(message: Message) -> str:
    return f" ({round(message.duration_s)} s)" if message.duration_s else ""


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never half of one."""
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(folder, path.name)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"Cannot write to {folder}: {exc.strerror}. Choose another export path.") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise ExportError(f"Could not write {path}: {exc.strerror}. Nothing was changed.") from None
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


STALE_TEMP_S = 3600.0


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Temp files of exports that were killed mid-write. Only old ones: a younger one may be
    another instance's export in progress."""
    import time

    cutoff = time.time() - STALE_TEMP_S
    for temp in folder.glob(f".{glob_escape(name)}.*.tmp"):
        try:
            if temp.is_file() and temp.stat().st_mtime < cutoff:
                temp.unlink()
        except OSError:
            pass


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)
