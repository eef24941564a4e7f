"""Untrusted text (caller names, transcripts, file names, sidecar fields) made safe to show.

Everything read from a file goes through `clean()` before it reaches a widget, a
notification or an export: control characters (C0 except tab/newline, DEL, C1, bidi
overrides and isolates) become visible `\\xNN`-style escapes so they can never change
the terminal. Widgets additionally render such text as `rich.text.Text`, never as markup.
"""

from __future__ import annotations

import re

# C0 (but tab and newline), DEL, C1, and the Unicode bidi controls that can reorder text.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: object, *, single_line: bool = False, limit: int | None = None) -> str:
    """Return `value` as text with every control character made visible.

    `single_line` also folds newlines and tabs into spaces; `limit` truncates with an ellipsis.
    """
    if value is None:
        return ""
    text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):  # undecodable bytes of a file name
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if single_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    text = _CONTROL.sub(_visible, text)
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)] + "…"
    return text


def display_path(path: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 become U+FFFD, controls become visible."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return clean(text, single_line=True)
