from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class CalledBackScreen(ModalScreen[str | None]):
    """Ask for an optional outcome note. Enter confirms (returns the note, possibly ""), Esc cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]
    DEFAULT_CSS = """
    CalledBackScreen { align: center middle; }
    CalledBackScreen > Vertical { width: 60; max-width: 100%; height: auto; border: round $accent;
        background: $surface; padding: 0 1; }
    """

    def __init__(self, who: str) -> None:
        super().__init__()
        self._who = who

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text("Mark called back: ", style="bold")
            title.append(self._who)
            yield Static(title, markup=False)
            yield Input(placeholder="Outcome (optional), e.g. left a message; interview Tue 10:00", id="outcome")
            yield Static(Text("Enter to confirm · Esc to cancel", style="dim"), markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
