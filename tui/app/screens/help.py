from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui import keymap


def help_text(keys: dict[str, tuple[str, ...]]) -> Text:
    text = Text()
    text.append("voicemail-tui — keys\n\n", style="bold")
    for action, (_, description, _) in keymap.ACTIONS.items():
        shown = " / ".join(keymap.display_key(k) for k in keys.get(action, ()))
        text.append(f"  {shown:<14}", style="bold")
        text.append(f" {description}\n")
    text.append("\n  PgUp/PgDn, g/G  Page up/down, first/last\n")
    text.append("  Ctrl+P          Palette: every action, go to caller, bulk archive\n")
    text.append("\nA message counts as listened only when you have heard it to the end;\n")
    text.append("then its callback details unlock. Esc or q closes this help.", style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", show=False)]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    """

    def __init__(self, keys: dict[str, tuple[str, ...]]) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_text(self._keys), markup=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
