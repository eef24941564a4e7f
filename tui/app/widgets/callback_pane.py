"""The callback pane: locked until the message is listened; then everything needed for the call."""

from __future__ import annotations

from datetime import tzinfo

from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.app import format as fmt
from tui.library import phone
from tui.library.models import (
    CALLBACK_FIELDS,
    FIELD_LABELS,
    CallbackField,
    Message,
    State,
)
from tui.library.store import ExtractionMeta
from tui.text import clean

PROVENANCE_LABELS = {"metadata": "caller ID", "extracted": "heard", "edited": "edited", "contact": "contact"}
LABEL_WIDTH = 10


def locked_text(message: Message, history: Text | None = None, zone: tzinfo | None = None, *,
                player_state: str | None = None, position_s: float | None = None,
                play_key: str = "Enter", restart_key: str = "r") -> Text:
    """The locked pane. `player_state` is the player's when this message is the one loaded and you
    started it ("playing", "paused", "loading", "ended"); None when it is not playing. `history`:
    the caller's other messages; `zone`: the reader's (None: this machine's)."""
    text = Text()
    if message.contact is not None:  # from the caller ID and your contacts: known before listening
        text.append(contact_text(message))
    if history is not None:  # from the caller ID, not the message: shown before listening too
        text.append(history)
    if message.state is State.ERROR and message.error_transient:
        text.append("This message could not be read just now.\n", style="bold yellow")
        text.append(clean(message.error, single_line=True))
        text.append("\n\nThis is not the file's fault: the next scan reads it again (will retry).", style="dim")
        return text
    if message.state is State.ERROR:
        text.append("This message cannot be played.\n", style="bold red")
        text.append(clean(message.error, single_line=True))
        return text
    text.append("🔒 Callback details are locked\n", style="bold")
    text.append("They unlock once you have listened to the whole message")
    text.append(" — skipping ahead does not count.\n\n")
    heard = int(message.heard_fraction * 100)
    text.append(f"Heard {heard}%", style="bold")
    if player_state == "playing":
        text.append(". Playing — listen to the end to unlock the details.")
    elif player_state == "loading":
        text.append(". Starting playback…")
    elif player_state == "paused":
        at = position_s if position_s is not None else message.position_s
        text.append(f" · paused at {fmt.clock(at)}. Press {play_key} to resume.")
    elif player_state == "ended":
        text.append(f". Reached the end with parts skipped: press {restart_key} to replay from the start.")
    else:
        if message.position_s > 0.5:
            text.append(f" · resumes at {fmt.clock(message.position_s)}")
        text.append(f". Press {play_key} to play.")
    if message.heard_elsewhere:
        text.append("\n\nMarked heard on a phone; listen here to unlock the details.", style="dim")
    if message.archived_at:
        text.append("\n\n")
        text.append(archived_line(message, zone))
    if message.source_note:
        text.append("\n\n⚠ " + clean(message.source_note, single_line=True, limit=300), style="yellow")
    return text


def contact_text(message: Message) -> Text:
    """`Contact   Dana Whitfield · Acme Plumbing  contact`: the caller in your contacts."""
    contact = message.contact
    text = Text()
    text.append("Contact".ljust(LABEL_WIDTH), style="dim")
    text.append(clean(contact.name or contact.organization or "", single_line=True, limit=60), style="bold")
    if contact.name and contact.organization:
        text.append(" · " + clean(contact.organization, single_line=True, limit=60))
    text.append("  " + PROVENANCE_LABELS["contact"], style="dim")
    text.append("\n")
    return text


def details_text(
    message: Message,
    fields: dict[str, CallbackField],
    meta: ExtractionMeta,
    notes: str,
    *,
    region: str,
    zone: tzinfo | None = None,
    history: Text | None = None,
) -> Text:
    """The unlocked pane; times in `zone`, the reader's (None: this machine's)."""
    text = Text()
    if message.caller_number:
        caller_id = phone.display(message.caller_number, region)
    else:  # what the phone system wrote ("ext. 1001"), never made into a number it is not
        caller_id = phone.shown_raw(message.caller_raw) or "withheld"
    text.append("Caller ID".ljust(LABEL_WIDTH), style="dim")
    text.append(caller_id)
    if message.caller_name:
        text.append(" · " + clean(message.caller_name, single_line=True, limit=40))
    text.append("\n")
    if message.contact is not None:
        text.append(contact_text(message))
    text.append("Received".ljust(LABEL_WIDTH), style="dim")
    text.append(message.received_at.astimezone(zone).strftime("%a %d %b %Y %H:%M"))
    if message.folder:
        text.append(" · " + clean(message.folder, single_line=True, limit=20))
    text.append("\n")
    if history is not None:
        text.append(history)
    if meta.no_call and not message.called_back_at:
        text.append(no_call_text(meta.no_call))
    if message.source_note:  # the source contradicts itself (a Takeout page's two times)
        text.append("⚠ " + clean(message.source_note, single_line=True, limit=300) + "\n", style="yellow")
    for name in CALLBACK_FIELDS:
        if name == "extension":
            continue  # shown with the number
        field = fields.get(name)
        label = "Call" if name == "number" else FIELD_LABELS[name]
        text.append(label.ljust(LABEL_WIDTH), style="dim")
        value = field.value if field and field.value else None
        if name == "number" and not value and not message.caller_number and message.caller_raw:
            text.append(phone.shown_raw(message.caller_raw), style="bold")  # the extension is the number to call
            text.append(" (caller ID)", style="dim")
        elif name == "number" and value:
            shown = phone.display(value, region)
            ext = fields.get("extension")
            if ext and ext.value:
                shown += f" ext. {clean(ext.value, single_line=True, limit=10)}"
            text.append(shown, style=number_style(value))
        elif value:
            text.append(clean(value, single_line=True, limit=200), style="bold" if name in ("name", "ask_for") else "")
        else:
            text.append("—", style="dim")
        if field and value and name == "number" and field.provenance.value == "metadata" \
                and meta.no_call and meta.no_call.confidence == "high":
            # no call back asked for, said outright: the caller ID is there if you want it, no check
            text.append("  caller ID", style="dim")
        elif field and value:
            text.append(_badge(field))
        text.append("\n")
        if name == "number" and field and value and field.note:  # why the number is doubtful: worth the room
            text.append(" " * LABEL_WIDTH + clean(field.note, single_line=True, limit=200) + "\n", style="italic")
    number = fields.get("number")
    differs = meta.number_differs
    if differs is None:
        differs = bool(number and number.value and message.caller_number and number.value != message.caller_number)
    if meta.number_note:
        text.append("⚠ " + clean(meta.number_note, single_line=True) + "\n", style="bold yellow")
    elif differs and number and number.value:
        text.append(
            f"⚠ Caller ID is {phone.international(message.caller_number)} — "
            f"they asked you to call {phone.international(number.value)}\n",
            style="bold yellow",
        )
    if meta.alt_numbers:
        text.append("Also said".ljust(LABEL_WIDTH), style="dim")
        text.append(", ".join(phone.display(n, region) for n in meta.alt_numbers) + "\n")
    text.append("Notes".ljust(LABEL_WIDTH), style="dim")
    text.append(clean(notes, single_line=True, limit=300) if notes.strip() else "—", style="" if notes.strip() else "dim")
    text.append("\n")
    if message.no_call_needed:
        text.append("✓ Handled: no call needed ", style="bold green")
        text.append(message.called_back_at.astimezone(zone).strftime("%a %d %b %H:%M"))
        text.append("\n")
    elif message.called_back_at:
        text.append("☎ Called back ", style="bold green")
        text.append(message.called_back_at.astimezone(zone).strftime("%a %d %b %H:%M"))
        if message.outcome:
            text.append(": " + clean(message.outcome, single_line=True, limit=200))
        text.append("\n")
    if message.archived_at:
        text.append(archived_line(message, zone))
    return text


def no_call_text(field: CallbackField) -> Text:
    """'No call-back asked for ✓' (said outright) or '⚠' (a hint: check), what was said, and the key."""
    text = Text()
    sure = field.confidence == "high"
    text.append("No call-back asked for ", style="bold")
    text.append("✓" if sure else "⚠", style="bold green" if sure else "bold yellow")
    if field.evidence and not sure:
        text.append(f" {fmt.clock(field.evidence[0])}-{fmt.clock(field.evidence[1])}", style="yellow")
    text.append(" · d: no call needed\n", style="dim")
    text.append(" " * 2 + "“" + clean(field.value, single_line=True, limit=90) + "”\n", style="italic")
    return text


def archived_line(message: Message, zone: tzinfo | None = None) -> Text:
    line = Text("Archived ", style="bold")
    line.append(message.archived_at.astimezone(zone).strftime("%a %d %b %H:%M"))
    line.append(" · a restores it\n", style="dim")
    return line


def number_style(value: str) -> Style:
    """Bold, and a `tel:` hyperlink (OSC 8: most terminals hand it to the dialer, it passes through
    SSH) only for a valid E.164 number. Built as a Style: never markup from untrusted text."""
    if phone.is_e164(value):
        return Style(bold=True, link=f"tel:{value}")
    return Style(bold=True)


def _badge(field: CallbackField) -> Text:
    badge = Text()
    if field.confidence == "low":
        badge.append("  ⚠ check", style="bold yellow")
        if field.evidence:
            badge.append(f" {fmt.clock(field.evidence[0])}-{fmt.clock(field.evidence[1])}", style="yellow")
    else:
        badge.append("  " + PROVENANCE_LABELS.get(field.provenance.value, field.provenance.value), style="dim")
    return badge


class CallbackPane(VerticalScroll):
    DEFAULT_CSS = """
    CallbackPane > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body = Static("", markup=False)
        self._shape: tuple | None = None

    def compose(self):
        yield self._body

    def _show(self, kind: str, text: Text) -> None:
        """Update the body; a layout pass (costly at every key press) only when the shape changes."""
        if kind in ("locked", "unlocked") and not self.has_class(kind):
            self.set_class(kind == "locked", "locked")
            self.set_class(kind == "unlocked", "unlocked")
        shape = (kind, text.plain.count("\n"), len(text.plain) // 8)
        self._body.update(text, layout=shape != self._shape or kind == "unlocked")
        self._shape = shape

    def show_empty(self) -> None:
        self._show("empty", Text("No message selected.", style="dim italic"))

    def show_locked(self, message: Message, *, history: Text | None = None, zone: tzinfo | None = None,
                    **player) -> None:
        """`player`: locked_text's player_state, position_s, play_key, restart_key."""
        self._show("locked", locked_text(message, history, zone, **player))

    def show_details(self, message: Message, fields, meta, notes: str, *, region: str,
                     zone: tzinfo | None = None, history: Text | None = None) -> None:
        self._show("unlocked", details_text(message, fields, meta, notes, region=region, zone=zone, history=history))
