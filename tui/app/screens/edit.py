from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from tui.library.models import CALLBACK_FIELDS, FIELD_LABELS, CallbackField
from tui.text import clean


class EditScreen(ModalScreen[None]):
    """Edit the callback fields and notes. Every change is saved at once through `save_field` / `save_notes`."""

    BINDINGS = [Binding("escape", "close", "Done", show=True)]
    DEFAULT_CSS = """
    EditScreen { align: center middle; }
    EditScreen > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    EditScreen Horizontal { height: auto; margin-bottom: 1; }
    EditScreen Label { width: 16; padding: 0 1 0 0; }
    EditScreen Input { width: 1fr; }
    EditScreen TextArea { height: 5; }
    """

    def __init__(
        self,
        title: str,
        fields: dict[str, CallbackField],
        notes: str,
        save_field: Callable[[str, str], None],
        save_notes: Callable[[str], None],
        *,
        focus: str = "name",
    ) -> None:
        super().__init__()
        self._title = title
        self._fields = fields
        self._notes = notes
        self._save_field = save_field
        self._save_notes = save_notes
        self._focus = focus
        self._ready = False

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Callback details: ", style="bold") + Text(clean(self._title)), markup=False)
            for name in CALLBACK_FIELDS:
                field = self._fields.get(name)
                with Horizontal():
                    yield Label(FIELD_LABELS[name], markup=False)
                    # stored values may come from files: control characters shown, never sent raw
                    yield Input(value=clean(field.value or "") if field else "", id=f"field-{name}", compact=True)
            yield Label("Notes", markup=False)
            yield TextArea(clean(self._notes), id="notes", soft_wrap=True, compact=True)
            yield Static(Text("Saved as you type · Tab moves · Esc closes", style="dim"), markup=False)

    def on_mount(self) -> None:
        target = "#notes" if self._focus == "notes" else f"#field-{self._focus}"
        self.query_one(target).focus()
        self.call_after_refresh(self._arm)

    def _arm(self) -> None:
        self._ready = True

    def on_input_changed(self, event: Input.Changed) -> None:
        if not self._ready or not event.input.id:
            return
        self._save_field(event.input.id.removeprefix("field-"), event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._ready:
            self._save_notes(event.text_area.text)

    def action_close(self) -> None:
        self.dismiss(None)
