"""A yes/no question: y or Enter confirms (True), n or Esc cancels (False)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 60; max-width: 100%; height: auto; border: round $warning;
        background: $surface; padding: 0 1; }
    """

    def __init__(self, question: Text, hint: str = "y / Enter: yes · n / Esc: no") -> None:
        super().__init__()
        self._question = question  # a Text built by the caller: untrusted parts appended as plain text
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._question, markup=False)
            yield Static(Text(self._hint, style="dim"), markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
