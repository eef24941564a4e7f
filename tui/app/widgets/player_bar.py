"""The player bar: state, position / length, speed, where the sound goes, and a strip of what was heard."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.app import format as fmt
from tui.text import clean

ICONS = {"idle": "■", "loading": "…", "playing": "▶", "paused": "⏸", "ended": "■", "failed": "✗"}


def coverage_strip(heard, duration: float | None, position: float, width: int) -> Text:
    """One cell per 1/width of the message: █ heard, ░ not heard; the playhead is highlighted."""
    strip = Text()
    if width <= 0:
        return strip
    if not duration:
        strip.append("░" * width, style="dim")
        return strip
    cell = duration / width
    head = min(width - 1, int(position / cell)) if position is not None else -1
    run_chars: list[str] = []
    run_style = None
    for i in range(width):
        start, end = i * cell, (i + 1) * cell
        covered = 0.0
        for s, e in heard:
            overlap = min(e, end) - max(s, start)
            if overlap > 0:
                covered += overlap
        ratio = covered / cell if cell else 0
        char = "█" if ratio >= 0.9 else ("▓" if ratio >= 0.5 else ("▒" if ratio > 0.05 else "░"))
        style = "bold yellow" if i == head else ("green" if ratio >= 0.9 else "dim")
        if style != run_style and run_chars:
            strip.append("".join(run_chars), style=run_style)  # one span per run, not per cell
            run_chars = []
        run_style = style
        run_chars.append(char)
    if run_chars:
        strip.append("".join(run_chars), style=run_style)
    return strip


class PlayerBar(Static):
    """Two lines: controls state and the coverage strip. Fed with player snapshots by the app."""

    DEFAULT_CSS = """
    PlayerBar { height: 2; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.output_label = "audio: starting…"
        self.silent = False
        self._snapshot = None
        self._message_heard: tuple = ()
        self._message_duration: float | None = None

    def set_output(self, label: str, *, silent: bool) -> None:
        self.output_label = label
        self.silent = silent
        self._redraw()

    def show_message(self, heard, duration: float | None, position: float) -> None:
        """No playback yet: show the stored coverage of the highlighted message."""
        self._snapshot = None
        self._message_heard = tuple(heard)
        self._message_duration = duration
        self._position = position
        self._redraw()

    def show_snapshot(self, snapshot) -> None:
        self._snapshot = snapshot
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        width = max(10, self.size.width - 2 if self.size.width else 76)
        snap = self._snapshot
        line = Text(no_wrap=True, overflow="ellipsis")
        if snap is not None:
            state = getattr(snap.state, "value", str(snap.state))
            line.append(ICONS.get(state, "■") + " ", style="bold")
            line.append(f"{fmt.clock(snap.position_s)} / {fmt.length(snap.duration_s)}")
            line.append(f"  {snap.speed:g}x")
            heard, duration, position = snap.heard, snap.duration_s, snap.position_s
            if snap.error:
                line.append("  " + clean(snap.error, single_line=True, limit=60), style="bold red")
        else:
            line.append("■ ", style="bold")
            position = getattr(self, "_position", 0.0)
            line.append(f"{fmt.clock(position)} / {fmt.length(self._message_duration)}")
            heard, duration = self._message_heard, self._message_duration
        badge = Text()
        if self.silent:
            badge.append(" SILENT ", style="bold black on yellow")
            badge.append(" ")
        badge.append(clean(self.output_label, single_line=True, limit=40), style="dim")
        pad = width - line.cell_len - badge.cell_len
        if pad > 1:
            line.append(" " * pad)
            line.append_text(badge)
        else:
            line.append("  ")
            line.append_text(badge)
            line.truncate(width)
        strip = coverage_strip(heard, duration, position, width)
        self.update(Text("\n").join([line, strip]), layout=False)  # always two lines
