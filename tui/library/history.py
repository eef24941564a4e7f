"""Who else called from this number: a caller's messages in time order. Pure (no I/O, no Textual).

The seed's warning: don't just call back the most recent missed call. A caller is their number
(E.164) for now; a withheld number has no history.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.library.models import Message


def caller_key(message: Message) -> str | None:
    return message.caller_number or None


def same_caller(messages: Sequence[Message], message: Message) -> list[Message]:
    """Every message from `message`'s caller (itself included), oldest first."""
    key = caller_key(message)
    if key is None:
        return [message]
    return sorted((m for m in messages if m.caller_number == key), key=lambda m: (m.received_at, m.id))


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def previous(history: Sequence[Message], message: Message) -> Message | None:
    """The message from the same caller just before `message` (history oldest first)."""
    ids = [m.id for m in history]
    index = ids.index(message.id) if message.id in ids else -1
    return history[index - 1] if index > 0 else None
