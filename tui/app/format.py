"""How messages read on screen: caller, time, length, state. Pure functions of a Message."""

from __future__ import annotations

from datetime import datetime

from tui.library import phone
from tui.library.models import Message, State
from tui.text import clean

STATE_ICONS = {
    State.NEW: "●",
    State.PARTIAL: "◐",
    State.LISTENED: "✓",
    State.CALLED_BACK: "☎",
    State.ERROR: "✗",
}
STATE_LABELS = {
    State.NEW: "new",
    State.PARTIAL: "partly heard",
    State.LISTENED: "listened",
    State.CALLED_BACK: "called back",
    State.ERROR: "error",
}


def caller(message: Message, region: str = "US") -> str:
    """The contact's name (and organisation) when the caller is in your contacts, with the caller
    ID's own name beside it when that differs; else the caller ID's name when the phone system gave
    a real one, else the formatted number."""
    if message.contact is not None:
        return contact_label(message)
    if message.caller_name and not phone.is_generic_name(message.caller_name):
        return clean(message.caller_name, single_line=True, limit=60)
    if message.caller_number:
        return phone.display(message.caller_number, region)
    if message.caller_raw:
        return phone.shown_raw(message.caller_raw)  # "ext. 1001": never made into a number it is not
    return "Unknown caller"


def contact_label(message: Message) -> str:
    contact = message.contact
    shown = " · ".join(part for part in (contact.name, contact.organization) if part)
    shown = clean(shown, single_line=True, limit=80)
    other = message.caller_name
    if other and not phone.is_generic_name(other) and other.casefold() != (contact.name or "").casefold():
        shown += f" (caller ID: {clean(other, single_line=True, limit=40)})"
    return shown


def when(received: datetime, now: datetime | None = None, relative_days: int = 7) -> str:
    now = now or datetime.now().astimezone()
    local = received.astimezone(now.tzinfo)
    seconds = (now - local).total_seconds()
    if 0 <= seconds < 60:
        return "just now"
    if 0 <= seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if 0 <= seconds < 86400 and local.date() == now.date():
        return local.strftime("%H:%M")
    if 0 <= seconds < 2 * 86400 and (now.date() - local.date()).days == 1:
        return "yesterday " + local.strftime("%H:%M")
    if 0 <= seconds < relative_days * 86400:
        return local.strftime("%a %H:%M")
    if local.year == now.year:
        return local.strftime("%d %b %H:%M")
    return local.strftime("%d %b %Y")


def length(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    total = int(round(seconds))
    return f"{total // 60}:{total % 60:02d}"


def clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def state_text(message: Message) -> str:
    state = message.state
    label = STATE_LABELS[state]
    if state is State.PARTIAL:
        label = f"{int(message.heard_fraction * 100)}% heard"
    elif message.no_call_needed:
        label = "no call needed"
    return label
