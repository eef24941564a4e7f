"""Archive keys: `a` archives / unarchives the message under the cursor; bulk archive of old calls.

Archiving is a mark in the library only: the source file (a mirror of the phone system) is never
touched. An archived message is out of every view but "archived" and out of the export's lists.
"""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text

from tui.app import format as fmt
from tui.app.screens.confirm import ConfirmScreen
from tui.app.writes import NOT_SAVED

BULK_ARCHIVE_DAYS = 30


class ArchiveActions:
    """Mixed into VoicemailApp; uses its store, clock, list and `_write`."""

    def action_archive(self) -> None:
        message = self.message_list.current
        if message is None:
            return
        message_id = message.id
        if message.archived:
            if self._write(self.store.set_archived, message_id, False) is NOT_SAVED:
                return
            self.notify("Back in the inbox.", markup=False)
            self.reload()
            return

        def archive(yes: bool | None = True) -> None:
            if not yes:
                return
            if self._write(self.store.set_archived, message_id, True, at=self.now()) is NOT_SAVED:
                return
            self.notify("Archived (the voicemail file is not touched). v shows the archive; a there restores it.", markup=False)
            self.reload()

        if message.listened or message.error:
            archive()
            return
        question = Text("Archive without listening?\n", style="bold")
        question.append(fmt.caller(message, self.region))
        question.append(f" — heard {int(message.heard_fraction * 100)}%. It leaves the to-call list unheard.")
        self.push_screen(ConfirmScreen(question), archive)

    def action_archive_old(self, days: int = BULK_ARCHIVE_DAYS) -> None:
        """Archive everything called back more than `days` days ago (the palette's bulk command)."""
        now = self.now()
        ids = self._write(self.store.archive_called_back_before, now - timedelta(days=days), at=now)
        if ids is NOT_SAVED:
            return
        if ids:
            self.notify(f"Archived {len(ids)} message{'s' if len(ids) != 1 else ''} called back more than {days} days ago.", markup=False)
        else:
            self.notify(f"Nothing called back more than {days} days ago.", markup=False)
        self.reload()
