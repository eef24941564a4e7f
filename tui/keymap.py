"""Key bindings as data: action -> keys. Users remap them under `[keys]` in the config."""

from __future__ import annotations

# action: (default keys, description shown in help, short label for the footer or None)
ACTIONS: dict[str, tuple[tuple[str, ...], str, str | None]] = {
    "cursor_down": (("j", "down"), "Next message", None),
    "cursor_up": (("k", "up"), "Previous message", None),
    "play": (("enter", "space"), "Play / pause", "Play"),
    "seek_back": (("left",), "Back 5 s", None),
    "seek_forward": (("right",), "Forward 5 s", None),
    "restart": (("r",), "Replay from the start", None),
    "speed_down": (("[",), "Slower (1x / 1.25x / 1.5x / 2x)", None),
    "speed_up": (("]",), "Faster (1x / 1.25x / 1.5x / 2x)", None),
    "stop": (("s",), "Stop (pause)", None),
    "replay_evidence": (("p",), "Replay where a doubtful detail was said", None),
    "called_back": (("c",), "Mark called back (again: undo)", "Called"),
    "no_call": (("d",), "No call needed: handled (again: undo)", None),
    "edit": (("e",), "Edit callback details", "Edit"),
    "notes": (("n",), "Notes", None),
    "copy_number": (("y",), "Copy the number to call", "Copy"),
    "dial": (("t",), "Dial the number ([callback] dial_command)", None),
    "export": (("x",), "Export callback notes", "Export"),
    "previous_from_caller": (("h",), "Previous message from this caller", None),
    "group_by_caller": (("b",), "Group the list by caller (toggle)", None),
    "archive": (("a",), "Archive / unarchive (file untouched)", None),
    "cycle_view": (("v",), "View: to call, all, called back, archived", "View"),
    "search": (("/",), "Search callers, transcripts, notes", None),
    "settings": (("o",), "Settings (saved to the config file)", None),
    "help": (("?",), "Help", "Help"),
    "quit": (("q",), "Quit", "Quit"),
}

DEFAULT_KEYS: dict[str, tuple[str, ...]] = {action: keys for action, (keys, _, _) in ACTIONS.items()}

# Characters users type in the config -> Textual key names.
_CHAR_NAMES = {
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    "/": "slash",
    "?": "question_mark",
    " ": "space",
    ",": "comma",
    ".": "full_stop",
    "-": "minus",
    "+": "plus",
    "=": "equals_sign",
    ";": "semicolon",
    ":": "colon",
    "'": "apostrophe",
    "\\": "backslash",
    "<": "less_than_sign",
    ">": "greater_than_sign",
}


def textual_key(key: str) -> str:
    return _CHAR_NAMES.get(key, key)


def display_key(key: str) -> str:
    names = {"enter": "Enter", "space": "Space", "left": "←", "right": "→", "up": "↑", "down": "↓"}
    return names.get(key, key)


def validate_keys(keys: dict[str, tuple[str, ...]]) -> tuple[str, str] | None:
    """Return (action, reason) for the first problem, or None. A key may not serve two actions."""
    seen: dict[str, str] = {}
    for action, action_keys in keys.items():
        for key in action_keys:
            name = textual_key(key)
            if name in seen and seen[name] != action:
                return action, f"key {key!r} is bound to both {seen[name]} and {action}."
            seen[name] = action
    return None


def description(action: str) -> str:
    return ACTIONS[action][1]


def footer_label(action: str) -> str | None:
    return ACTIONS[action][2]
