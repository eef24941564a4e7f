"""The callback-detail keys: edit, notes, copy the number, mark called back, export.

All of them stay locked until the message has been listened to the end.
"""

from __future__ import annotations

from tui.app import format as fmt
from tui.app.screens.called_back import CalledBackScreen
from tui.app.screens.edit import EditScreen
from tui.app.writes import NOT_SAVED
from tui.library import phone
from tui.library.models import NO_CALL_OUTCOME, Message
from tui.text import clean


class CallbackActions:
    """Mixed into VoicemailApp; uses its store, config, widgets and messages."""

    # -- actions: callback details -----------------------------------------------------------------
    def _unlocked(self, doing: str) -> Message | None:
        message = self.message_list.current
        if message is None:
            return None
        if message.error:
            self.notify(f"Cannot {doing}: {clean(message.error, single_line=True)}", severity="error", markup=False)
            return None
        if not message.listened:
            self.notify(
                f"Listen to the whole message first (heard {int(message.heard_fraction * 100)}%); then you can {doing}.",
                severity="warning",
                markup=False,
            )
            return None
        return message

    def action_edit(self, focus: str = "name") -> None:
        message = self._unlocked("edit its callback details")
        if message is None:
            return
        message_id = message.id

        def save_field(name: str, value: str) -> None:
            if name == "number":
                value = phone.to_e164(value, self.region) or value
            self._write(self.store.edit_field, message_id, name, value)

        def save_notes(text: str) -> None:
            self._write(self.store.set_notes, message_id, text)

        def closed(_: None) -> None:
            updated = self.store.get(message_id)
            if updated is not None:
                self._refresh_message(updated)

        self.push_screen(
            EditScreen(fmt.caller(message, self.region), self.store.callback(message_id), self.store.notes(message_id),
                       save_field, save_notes, focus=focus),
            closed,
        )

    def action_notes(self) -> None:
        self.action_edit(focus="notes")

    def action_copy_number(self) -> None:
        message = self._unlocked("copy the number")
        if message is None:
            return
        fields = self.store.callback(message.id)
        number = fields.get("number")
        if (not number or not number.value) and not message.caller_number and message.caller_raw:
            # An extension ("1001") or a number without its country: copied exactly as the PBX wrote it.
            self.copy_to_clipboard(clean(message.caller_raw.strip(), single_line=True))
            self.notify(f"Copied {phone.shown_raw(message.caller_raw)} (as the phone system wrote it)", markup=False)
            return
        if not number or not number.value:
            self.notify("No number to call for this message.", severity="warning", markup=False)
            return
        self.copy_to_clipboard(number.value)
        extension = fields.get("extension")
        extra = f" — then extension {clean(extension.value, single_line=True)}" if extension and extension.value else ""
        doubt = " (uncertain: check it, p replays it)" if number.confidence == "low" else ""
        self.notify(f"Copied {phone.international(number.value)}{extra}{doubt}", markup=False)

    def action_called_back(self) -> None:
        message = self.message_list.current
        if message is None:
            return
        if message.called_back_at is not None:
            if self._write(self.store.unmark_called_back, message.id) is NOT_SAVED:
                return
            self.notify("Back on the to-call list.", markup=False)
            self.reload()
            return
        message_id = message.id

        def done(outcome: str | None) -> None:
            if outcome is None:
                return
            if self._write(self.store.mark_called_back, message_id, outcome) is NOT_SAVED:
                return
            self.notify("Marked called back." + ("" if message.listened else " (You had not listened to it here.)"), markup=False)
            self.reload()

        who = fmt.caller(message, self.region)
        self.push_screen(CalledBackScreen(who), done)

    def action_no_call(self) -> None:
        """Accept "no call needed": the message leaves "to call" as handled, outcome "no call needed".
        Never done automatically; the key works on any listened message (you decide)."""
        message = self.message_list.current
        if message is None:
            return
        if message.no_call_needed:
            if self._write(self.store.unmark_called_back, message.id) is NOT_SAVED:
                return
            self.notify("Back on the to-call list.", markup=False)
            self.reload()
            return
        if message.called_back_at is not None:
            self.notify("Already called back (c undoes that first).", markup=False)
            return
        message = self._unlocked("mark it as needing no call")
        if message is None:
            return
        if self._write(self.store.mark_called_back, message.id, NO_CALL_OUTCOME) is NOT_SAVED:
            return
        meta = self.store.extraction_meta(message.id)
        said = "" if meta.no_call else " (the message did not say so: your call)"
        self.notify(f"Handled: no call needed{said}. d again undoes it.", markup=False)
        self.reload()

    def action_export(self) -> None:
        from tui.export import ExportError, to_text, write_atomic

        target = self.config.export_path()
        try:
            write_atomic(target, to_text(self.store, region=self.region, now=self.now()))
        except ExportError as exc:
            self.notify(clean(str(exc), single_line=True), severity="error", timeout=15, markup=False)
            return
        self.notify(f"Callback notes written to {clean(str(target), single_line=True)}", markup=False)

