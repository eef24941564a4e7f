"""The transcript pane: words revealed only up to the playback position until the message is listened."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.library.models import Transcript
from tui.text import clean

NO_SPEECH = "No speech — the caller hung up or stayed silent"


def reveal(transcript: Transcript, position: float | None, *, listened: bool) -> Text:
    """The transcript as Text: everything once listened; before that only the words already played.

    The word being played (at `position`) is highlighted.
    """
    text = Text()
    if not transcript.words:
        if listened:
            text.append(clean(transcript.text).strip())
        else:
            text.append("(the transcript appears once you have listened)", style="dim italic")
        return text
    hidden = 0
    for word in transcript.words:
        if not listened and (position is None or word.start > position):
            hidden += 1
            continue
        current = position is not None and word.start <= position < word.end
        if text.plain and not word.text.startswith(" "):
            text.append(" ")  # words come stripped; the space is not part of the highlight
        text.append(clean(word.text), style="bold reverse" if current else "")
    if hidden and not text.plain:
        return Text("(the transcript appears as you listen)", style="dim italic")
    if hidden:
        text.append(" …", style="dim")
    return text


class TranscriptPane(VerticalScroll):
    DEFAULT_CSS = """
    TranscriptPane { height: 1fr; }
    TranscriptPane > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body = Static("", markup=False)
        self._transcript: Transcript | None = None
        self._listened = False
        self._key: tuple | None = None
        self._placeholder: str | None = None
        self._extra: Text | None = None

    def compose(self):
        yield self._body

    def show(self, transcript: Transcript | None, *, status: str | None, listened: bool, position: float | None,
             error: str | None = None, secondary: str | None = None) -> None:
        """`secondary`: another system's transcript (Google Voice's), shown labelled once listened."""
        self._transcript = transcript
        self._listened = listened
        self._extra = None
        if listened and secondary and secondary.strip():
            self._extra = Text("\n\nGoogle Voice's transcript (may contain errors):\n", style="dim")
            self._extra.append(clean(secondary).strip(), style="italic")
        if transcript is None:
            self._key = None
            message = Text({
                "pending": "Queued for transcription…",
                "transcribing": "Transcribing…",
                "failed": "Transcription failed",
                "off": "Transcription is turned off.",
            }.get(status or "", "No transcript yet."), style="dim italic")
            if error and (status == "failed" or status is None):  # None + error: "will retry: ..."
                message.append(": " + clean(error, single_line=True, limit=200), style="dim italic")
            if self._extra is not None:
                message.append_text(self._extra)
            self._body.styles.height = "auto"
            self._body.update(message)
            self._placeholder = message.plain
            return
        if not transcript.speech:
            # Nothing was said: that is no detail of the message, so it shows before listening too.
            self._key = None
            message = Text(NO_SPEECH, style="italic")
            if self._extra is not None:
                message.append_text(self._extra)
            self._body.styles.height = "auto"
            self._body.update(message)
            self._placeholder = message.plain
            self._transcript = None
            return
        self._placeholder = None
        # The revealed text is a prefix of the whole: size the body for the whole once, so that
        # following the playhead never needs a layout pass.
        full = reveal(transcript, None, listened=True)
        if self._extra is not None:
            full.append_text(self._extra)
        width = max(1, self.scrollable_content_region.width or 30)
        self._body.styles.height = max(1, len(full.wrap(self.app.console, width)) + 1)
        self._key = None
        self.follow(position)

    def follow(self, position: float | None) -> None:
        """Update the revealed words for a new playback position (cheap when nothing changed)."""
        transcript = self._transcript
        if transcript is None:
            return
        shown = None
        if not self._listened and position is not None:
            shown = sum(1 for w in transcript.words if w.start <= position)
        current = None
        if position is not None:
            current = next((i for i, w in enumerate(transcript.words) if w.start <= position < w.end), None)
        key = (id(transcript), self._listened, shown, current)
        if key == self._key:
            return
        self._key = key
        if not transcript.text.strip():
            body = Text("(no words could be made out)", style="dim italic")
        else:
            body = reveal(transcript, position, listened=self._listened)
        if self._extra is not None:
            body.append_text(self._extra)
        self._body.update(body, layout=False)
