"""The command palette (Ctrl+P): every action of the key map, the bulk archive, and "Go to caller…"
(a fuzzy search over callers' names, numbers and companies).

Textual renders a hit's prompt and help given as strings as markup: untrusted text (names,
companies) goes in only as `Text` / `Content` built from plain strings, never as a string.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.app import SystemCommand
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tui import keymap
from tui.app.archive import BULK_ARCHIVE_DAYS
from tui.library import phone
from tui.library.models import Message
from tui.text import clean

# Actions Textual's own palette already offers (its "Quit" calls our action_quit).
_ALREADY_THERE = {"quit"}


def action_commands(app) -> Iterator[SystemCommand]:
    """One command per key-map action, titled by its description, with its keys as help."""
    for action in keymap.ACTIONS:
        if action in _ALREADY_THERE:
            continue
        keys = " / ".join(keymap.display_key(k) for k in app.config.keys.get(action, ()))
        yield SystemCommand(keymap.description(action), Content(f"key: {keys}" if keys else ""),
                            partial(app.run_action, action))
    yield SystemCommand(
        f"Archive everything called back more than {BULK_ARCHIVE_DAYS} days ago",
        "the voicemail files are not touched; the Archived view keeps them",
        partial(app.action_archive_old, BULK_ARCHIVE_DAYS),
    )
    yield SystemCommand("Go to caller…", "by name, number or company", app.action_go_to_caller)


@dataclass(frozen=True)
class Caller:
    text: str  # what is shown and matched: names · companies · number (plain, cleaned)
    newest: Message
    count: int


def callers(messages: list[Message], names: dict[str, str], companies: dict[str, str], region: str) -> list[Caller]:
    """One entry per caller (number; withheld callers by their caller ID name), newest first.
    `names` / `companies`: extracted values of listened messages only (never unlock details)."""
    groups: dict[str, list[Message]] = {}
    for message in messages:  # newest first
        key = message.caller_number or (message.caller_name and "name:" + message.caller_name)
        if key:
            groups.setdefault(key, []).append(message)
    result = []
    for group in groups.values():
        parts: list[str] = []
        for message in group:
            for value in (message.caller_name, names.get(message.id), companies.get(message.id)):
                value = clean(value, single_line=True, limit=60) if value else None
                if value and value not in parts and not phone.is_generic_name(value):
                    parts.append(value)
        number = group[0].caller_number
        if number:
            parts.append(phone.international(number))
        if parts:
            result.append(Caller(" · ".join(parts[:5]), group[0], len(group)))
    return result


class CallerCommands(Provider):
    """Fuzzy "go to caller" over names, numbers and companies."""

    async def startup(self) -> None:
        app = self.app
        store = app.store
        self._callers = callers(app.inbox.messages, store.listened_values("name"), store.listened_values("company"),
                                app.region)
        self._now = app.now()

    def _help(self, caller: Caller) -> Content:
        from tui.app.caller_history import day_label

        many = f"{caller.count} messages · newest " if caller.count > 1 else ""
        return Content(many + day_label(caller.newest.received_at, self._now))

    def _go(self, caller: Caller):
        return partial(self.app.reveal_by_id, caller.newest.id)

    async def discover(self) -> Hits:
        for caller in self._callers[:50]:
            yield DiscoveryHit(Text(caller.text), self._go(caller), text=caller.text, help=self._help(caller))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for caller in self._callers:
            score = matcher.match(caller.text)
            if score > 0:
                yield Hit(score, _highlight(matcher, caller.text, query), self._go(caller), text=caller.text,
                          help=self._help(caller))


def _highlight(matcher, candidate: str, query: str) -> Text:
    """The candidate as plain Text with the matched letters bold (never parsed as markup)."""
    text = Text(candidate)
    _score, offsets = matcher.fuzzy_search.match(query, candidate)
    for offset in offsets:
        text.stylize("bold underline", offset, offset + 1)
    return text


def go_to_caller_palette() -> CommandPalette:
    return CommandPalette(providers=[CallerCommands], placeholder="Go to caller: a name, number or company…")
