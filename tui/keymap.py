"""Key bindings as data: action -> keys. Users remap them under `[keys]` in the config."""

from __future__ import annotations

# action: (default keys, description shown in help and the footer, shown in footer?)
ACTIONS: dict[str, tuple[tuple[str, ...], str, bool]] = {
    "cursor_down": (("j", "down"), "Next message", False),
    "cursor_up": (("k", "up"), "Previous message", False),
    "play": (("enter", "space"), "Play / pause", True),
    "seek_back": (("left",), "Back 5 s", False),
    "seek_forward": (("right",), "Forward 5 s", False),
    "restart": (("r",), "Replay from the start", False),
    "speed_down": (("[",), "Slower", False),
    "speed_up": (("]",), "Faster", False),
    "stop": (("s",), "Stop", False),
    "replay_evidence": (("p",), "Replay where the number was said", False),
    "called_back": (("c",), "Mark called back", True),
    "edit": (("e",), "Edit callback details", True),
    "notes": (("n",), "Notes", False),
    "copy_number": (("y",), "Copy number", True),
    "export": (("x",), "Export notes", True),
    "cycle_view": (("v",), "View: to call / all / called back", True),
    "search": (("/",), "Search", True),
    "help": (("?",), "Help", True),
    "quit": (("q",), "Quit", True),
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


def in_footer(action: str) -> bool:
    return ACTIONS[action][2]
