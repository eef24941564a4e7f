"""The message list: a virtual ScrollView that renders only the visible rows.

A widget per row (ListView) is unusable past a few hundred messages; this renders any number
with the cost of one screenful. Every piece of untrusted text is drawn as plain segments after
`tui.text.clean` — never parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message as TextualMessage
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app import format as fmt
from tui.library.models import Message, State
from tui.text import clean


@dataclass(frozen=True, slots=True)
class Row:
    """What one line shows, computed once per message snapshot."""

    message: Message
    icon: str
    caller: str
    when: str
    length: str
    status: str


def make_row(message: Message, *, region: str, relative_days: int = 7, now=None) -> Row:
    status = fmt.state_text(message)
    if message.state is State.ERROR and message.error_transient:  # not the file's fault: the next scan reads it again
        status = "will retry: " + clean(message.error, single_line=True, limit=28)
    elif message.state is State.ERROR:
        status = clean(message.error, single_line=True, limit=40)
    elif message.missing:
        status = "file missing"
    elif message.heard_elsewhere and not message.listened:
        status += " · heard on phone"
    if message.archived:
        status += " · archived"
    if message.state is not State.ERROR and message.transcript_status in ("pending", "transcribing"):
        status += " · queued" if message.transcript_status == "pending" else " · transcribing"
    elif message.transcript_status == "no_speech" and message.state is not State.ERROR:
        status += " · no speech"  # a hang-up or silence: worth knowing before you listen
    return Row(
        message=message,
        icon=fmt.STATE_ICONS[message.state],
        caller=fmt.caller(message, region),
        when=fmt.when(message.received_at, now, relative_days),
        length=fmt.length(message.duration_s),
        status=status,
    )


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text.ljust(width)


class MessageList(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows of messages with a cursor. Posts `Highlighted` when the cursor moves."""

    COMPONENT_CLASSES = {
        "message-list--cursor",
        "message-list--new",
        "message-list--partial",
        "message-list--listened",
        "message-list--called-back",
        "message-list--error",
        "message-list--dim",
    }
    BINDINGS = [
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)  # watch_cursor redraws two lines

    class Highlighted(TextualMessage):
        def __init__(self, message: Message | None) -> None:
            super().__init__()
            self.message = message

    def __init__(self, row_factory, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.messages: list[Message] = []
        self._row_factory = row_factory  # Message -> Row, called only for rows on screen
        self._rows: dict[str, Row] = {}
        self._empty_text = "No voicemails."

    # -- data --------------------------------------------------------------------------------
    def set_messages(self, messages: list[Message], *, keep_id: str | None = None, empty_text: str | None = None) -> None:
        """Replace the list, keeping the cursor on `keep_id` when it is still listed."""
        old = self.current
        self.messages = messages
        self._rows = {}
        if empty_text is not None:
            self._empty_text = empty_text
        index = 0
        if keep_id is not None:
            for i, message in enumerate(messages):
                if message.id == keep_id:
                    index = i
                    break
            else:
                index = min(self.cursor, max(0, len(messages) - 1))
        self.virtual_size = Size(self.size.width, len(messages))
        self.set_reactive(MessageList.cursor, self.validate_cursor(index))
        self._scroll_to_cursor()
        self.refresh()
        new = self.current
        if new != old or new is None:
            self.post_message(self.Highlighted(new))

    def update_message(self, message: Message) -> None:
        """One message changed (progress, state): redraw its row only."""
        self._rows.pop(message.id, None)
        for i, existing in enumerate(self.messages):
            if existing.id == message.id:
                self.messages[i] = message
                self.refresh_line(i)
                return

    def row(self, index: int) -> Row:
        message = self.messages[index]
        row = self._rows.get(message.id)
        if row is None or row.message is not message:
            row = self._rows[message.id] = self._row_factory(message)
        return row

    def refresh_line(self, index: int) -> None:
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    @property
    def current(self) -> Message | None:
        if 0 <= self.cursor < len(self.messages):
            return self.messages[self.cursor]
        return None

    # -- cursor ------------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.messages) - 1)) if self.messages else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self.current))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.size.height)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def move(self, delta: int) -> None:
        self.cursor = self.cursor + delta

    def action_page_up(self) -> None:
        self.move(-max(1, self.size.height - 1))

    def action_page_down(self) -> None:
        self.move(max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.messages) - 1

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.messages))
        self._scroll_to_cursor()

    # -- rendering -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = self.scroll_offset.y + y
        base = self.rich_style
        if not self.messages:
            if y == 1:
                return Strip([Segment(_fit("  " + self._empty_text, width), base)], width)
            return Strip.blank(width, base)
        if index >= len(self.messages):
            return Strip.blank(width, base)
        row = self.row(index)
        state_style = self.get_component_rich_style(f"message-list--{row.message.state.value.replace('_', '-')}")
        dim = self.get_component_rich_style("message-list--dim")
        line_style = base
        if index == self.cursor:
            line_style = base + self.get_component_rich_style("message-list--cursor")
            if not self.has_focus:
                line_style = base + Style(reverse=False) + self.get_component_rich_style("message-list--cursor")
        when_w, len_w = 16, 6
        status_w = max(10, min(26, width // 4))
        caller_w = max(8, width - 2 - when_w - len_w - status_w - 3)
        segments = [
            Segment(row.icon + " ", line_style + state_style if index != self.cursor else line_style),
            Segment(_fit(row.caller, caller_w) + " ", line_style),
            Segment(_fit(row.when, when_w) + " ", line_style + dim if index != self.cursor else line_style),
            Segment(row.length.rjust(len_w - 1) + " ", line_style + dim if index != self.cursor else line_style),
            Segment(_fit(row.status, status_w), line_style + state_style if index != self.cursor else line_style),
        ]
        strip = Strip(segments).adjust_cell_length(width, line_style)
        return strip
