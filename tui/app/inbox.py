"""What the list shows: the messages of the current view, filtered by the search. No Textual here."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.app import format as fmt
from tui.library.models import Message, State

VIEWS = ("to_call", "all", "called_back", "archived")
VIEW_LABELS = {"to_call": "To call", "all": "All", "called_back": "Called back", "archived": "Archived"}


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)
    view: str = "to_call"
    query: str = ""
    transcripts: dict[str, str] = field(default_factory=dict)  # id -> transcript text (search)
    notes: dict[str, str] = field(default_factory=dict)
    region: str = "US"

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
            return [m for m in self.messages if self.matches(m)]
        return [m for m in self.messages if self.in_view(m)]

    def cycle_view(self) -> str:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        return self.view

    def counts(self) -> dict[str, int]:
        archived = sum(1 for m in self.messages if m.archived)
        called_back = sum(1 for m in self.messages if m.state is State.CALLED_BACK and not m.archived)
        inbox = len(self.messages) - archived
        return {"to_call": inbox - called_back, "all": inbox, "called_back": called_back, "archived": archived}

    def replace(self, message: Message) -> None:
        for i, existing in enumerate(self.messages):
            if existing.id == message.id:
                self.messages[i] = message
                return
