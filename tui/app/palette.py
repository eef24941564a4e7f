"""The command palette (Ctrl+P): every action of the key map, plus commands that have no key."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand

from tui import keymap
from tui.app.archive import BULK_ARCHIVE_DAYS

# Actions Textual's own palette already offers (its "Quit" calls our action_quit).
_ALREADY_THERE = {"quit"}


def action_commands(app) -> Iterator[SystemCommand]:
    """One command per key-map action, titled by its description, with its keys as help."""
    for action in keymap.ACTIONS:
        if action in _ALREADY_THERE:
            continue
        keys = " / ".join(keymap.display_key(k) for k in app.config.keys.get(action, ()))
        yield SystemCommand(keymap.description(action), f"key: {keys}" if keys else "", partial(app.run_action, action))
    yield SystemCommand(
        f"Archive everything called back more than {BULK_ARCHIVE_DAYS} days ago",
        "the voicemail files are not touched; the Archived view keeps them",
        partial(app.action_archive_old, BULK_ARCHIVE_DAYS),
    )
