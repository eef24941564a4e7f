"""The caller-history line of the pane ("3rd message from this number in 7 days · also Mon 30 Nov,
Fri 27 Nov") and the key that jumps to the caller's previous message (mixin)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from tui.library.history import ordinal, previous
from tui.library.models import Message

SHOW_AT_MOST = 3


def day_label(when: datetime, now: datetime) -> str:
    """'today 09:12', 'yesterday 16:02', 'Mon 30 Nov' (with the year when it is not now's)."""
    local = when.astimezone(now.tzinfo)
    days = (now.date() - local.date()).days
    if days == 0:
        return "today " + local.strftime("%H:%M")
    if days == 1:
        return "yesterday " + local.strftime("%H:%M")
    return local.strftime("%a %d %b" if local.year == now.year else "%a %d %b %Y")


def history_text(message: Message, history: list[Message], now: datetime) -> Text | None:
    """None when this is the caller's only message. `history` is oldest first, `message` in it."""
    ids = [m.id for m in history]
    if len(history) < 2 or message.id not in ids:
        return None
    position = ids.index(message.id) + 1
    total = len(history)
    first = history[0].received_at.astimezone(now.tzinfo).date()
    last = history[-1].received_at.astimezone(now.tzinfo).date()
    span = (last - first).days + 1
    head = f"{ordinal(position)} message" if position == total else f"{ordinal(position)} of {total} messages"
    head += " from this number " + ("the same day" if span == 1 else f"in {span} days")
    others = [m for m in reversed(history) if m.id != message.id]  # newest first
    shown = [day_label(m.received_at, now) for m in others[:SHOW_AT_MOST]]
    more = len(others) - len(shown)
    text = Text()
    text.append("↺ ", style="bold yellow")
    text.append(head, style="bold")
    text.append(" · also " + ", ".join(shown) + (f" +{more} more" if more else ""))
    if position > 1:
        text.append(" · h: previous", style="dim")
    text.append("\n")
    return text


class CallerHistory:
    """Mixed into VoicemailApp: `h` jumps to the previous message from the same caller."""

    def caller_history(self, message: Message) -> Text | None:
        return history_text(message, self.inbox.same_caller(message), self.now())

    def action_previous_from_caller(self) -> None:
        message = self.message_list.current
        if message is None:
            return
        earlier = previous(self.inbox.same_caller(message), message)
        if earlier is None:
            self.notify("No earlier message from this number.", markup=False)
            return
        self.reveal(earlier)

    def action_go_to_caller(self) -> None:
        from tui.app.palette import go_to_caller_palette

        self.push_screen(go_to_caller_palette())

    def reveal_by_id(self, message_id: str) -> None:
        message = next((m for m in self.inbox.messages if m.id == message_id), None)
        if message is not None:
            self.reveal(message)

    def reveal(self, message: Message) -> None:
        """Put the cursor on `message`, switching to a view that holds it when this one does not."""
        if message.id not in {m.id for m in self.message_list.messages}:
            # out of the current view (called back, archived) or of the search: show it anyway
            self.inbox.query = ""
            search = self.query_one("#search")
            search.value = ""
            search.remove_class("visible")
            self.inbox.view = "archived" if message.archived else ("to_call" if self.inbox.in_view(message) else "all")
        self._show_list(message.id)
        self.message_list.focus()
