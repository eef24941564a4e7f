"""The text the extractor reads, with each character traced to a time span and a probability.

Whisper's words are often sub-word tokens (" Dun", "more", " 415", "-", "555"); joining
them gives the text, and every character keeps the time and probability of its token, so an
extracted field's evidence is the span of the tokens it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.library.models import Transcript


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int  # char offsets in the text
    end: int
    t0: float
    t1: float
    p: float


class TextMap:
    """Text plus (optionally) char -> time / probability pieces."""

    def __init__(self, text: str, pieces: list[_Piece] | None = None, *, has_p: bool = False):
        self.text = text
        self._pieces = pieces or []
        self.has_times = bool(self._pieces)
        self.has_p = has_p

    @classmethod
    def from_text(cls, text: str | None) -> "TextMap":
        return cls(text or "")

    @classmethod
    def from_transcript(cls, transcript: Transcript | None) -> "TextMap":
        if transcript is None:
            return cls("")
        words = [w for w in transcript.words if w.text]
        if words:
            spaced = any(w.text[:1].isspace() for w in words)
            parts: list[str] = []
            pieces: list[_Piece] = []
            pos = 0
            for i, w in enumerate(words):
                text = w.text if spaced else ((" " if i else "") + w.text)
                parts.append(text)
                pieces.append(_Piece(pos, pos + len(text), float(w.start), float(w.end), float(w.p)))
                pos += len(text)
            has_p = any(abs(w.p - 1.0) > 1e-9 for w in words)
            return cls("".join(parts), pieces, has_p=has_p)
        if transcript.segments:
            parts = []
            pieces = []
            pos = 0
            for i, seg in enumerate(transcript.segments):
                text = (" " if i else "") + seg.text.strip()
                parts.append(text)
                pieces.append(_Piece(pos, pos + len(text), float(seg.start), float(seg.end), 1.0))
                pos += len(text)
            return cls("".join(parts), pieces)
        return cls(transcript.text or "")

    def _overlapping(self, start: int, end: int) -> list[_Piece]:
        return [p for p in self._pieces if p.end > start and p.start < end and
                self.text[max(p.start, start):min(p.end, end)].strip()]

    def span(self, start: int, end: int) -> tuple[float, float] | None:
        """Time span [t0, t1] of the characters start..end, or None without word times."""
        hit = self._overlapping(start, end)
        if not hit:
            return None
        return (round(min(p.t0 for p in hit), 2), round(max(p.t1 for p in hit), 2))

    def min_p(self, start: int, end: int) -> float | None:
        """Lowest token probability over start..end; None when the transcript has none."""
        if not self.has_p:
            return None
        hit = self._overlapping(start, end)
        return min((p.p for p in hit), default=None)
