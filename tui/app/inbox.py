"""What the list shows: the messages of the current view, filtered by the search. No Textual here."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.app import format as fmt
from tui.library import history
from tui.library.models import Message, State

VIEWS = ("to_call", "all", "called_back", "archived")
VIEW_LABELS = {"to_call": "To call", "all": "All", "called_back": "Called back", "archived": "Archived"}


def group_by_caller(messages: list[Message]) -> list[Message]:
    """`messages` (newest first) with each caller's messages together, in the order of each caller's
    newest one. Withheld numbers are not grouped. Stable: O(n)."""
    groups: dict[str, list[Message]] = {}
    order: list[list[Message]] = []
    for message in messages:
        key = message.caller_number
        if key is None:
            order.append([message])
        elif key in groups:
            groups[key].append(message)
        else:
            groups[key] = [message]
            order.append(groups[key])
    return [message for group in order for message in group]


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)
    view: str = "to_call"
    query: str = ""
    transcripts: dict[str, str] = field(default_factory=dict)  # id -> transcript text (search)
    notes: dict[str, str] = field(default_factory=dict)
    region: str = "US"
    grouped: bool = False  # messages of one caller together, callers by their newest message
    _index: dict[str, list[int]] = field(default_factory=dict, repr=False)  # number -> positions
    _index_of: list[Message] | None = field(default=None, repr=False)
    _index_len: int = field(default=0, repr=False)

    def in_view(self, message: Message) -> bool:
        # Archived messages are out of every view but "archived".
        if message.archived or self.view == "archived":
            return message.archived and self.view == "archived"
        if self.view == "to_call":
            return message.state is not State.CALLED_BACK
        if self.view == "called_back":
            return message.state is State.CALLED_BACK
        return True

    def matches(self, message: Message) -> bool:
        if not self.query:
            return True
        needle = self.query.casefold()
        digits = "".join(ch for ch in self.query if ch.isdigit())
        haystack = " ".join(
            part
            for part in (
                message.caller_name or "",
                fmt.caller(message, self.region),
                message.path,
                message.folder or "",
                message.outcome or "",
                self.transcripts.get(message.id, ""),
                self.notes.get(message.id, ""),
            )
        ).casefold()
        if needle in haystack:
            return True
        return bool(digits) and len(digits) >= 3 and digits in (message.caller_number or "")

    def visible(self) -> list[Message]:
        # Search looks through every view: a called-back (or archived) message "stays searchable".
        if self.query:
            shown = [m for m in self.messages if self.matches(m)]
        else:
            shown = [m for m in self.messages if self.in_view(m)]
        return group_by_caller(shown) if self.grouped else shown

    def continuation_ids(self, shown: list[Message]) -> set[str]:
        """Ids of rows that follow an earlier row of the same caller (drawn indented when grouped)."""
        if not self.grouped:
            return set()
        result, previous = set(), None
        for message in shown:
            key = message.caller_number
            if key is not None and key == previous:
                result.add(message.id)
            previous = key
        return result

    def cycle_view(self) -> str:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        return self.view

    def counts(self) -> dict[str, int]:
        archived = sum(1 for m in self.messages if m.archived)
        called_back = sum(1 for m in self.messages if m.state is State.CALLED_BACK and not m.archived)
        inbox = len(self.messages) - archived
        return {"to_call": inbox - called_back, "all": inbox, "called_back": called_back, "archived": archived}

    def same_caller(self, message: Message) -> list[Message]:
        """Every message from `message`'s number (all views, archived too), oldest first."""
        if message.caller_number is None:
            return [message]
        if self._index_of is not self.messages or self._index_len != len(self.messages):
            self._index = {}
            for i, m in enumerate(self.messages):
                if m.caller_number:
                    self._index.setdefault(m.caller_number, []).append(i)
            self._index_of, self._index_len = self.messages, len(self.messages)
        found = [self.messages[i] for i in self._index.get(message.caller_number, ())]
        return history.same_caller(found or [message], message)

    def replace(self, message: Message) -> None:
        for i, existing in enumerate(self.messages):
            if existing.id == message.id:
                self.messages[i] = message
                return
