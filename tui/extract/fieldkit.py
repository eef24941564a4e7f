"""What the field finders share: the text with its times and probabilities (Ctx), how a field
is made from its signals (make_field: score and confidence), the cut-off probabilities, and the
cues that bench/extract_eval.py can switch off to measure them."""

from __future__ import annotations

from typing import Callable

from tui.extract import score
from tui.extract.numbers import Tok
from tui.extract.textmap import TextMap
from tui.library.models import CallbackField, Provenance

# Lowest whisper token probability over a field's tokens for the field to count as clearly heard.
P_NUMBER = 0.80
# Names: measured on tiny.en transcripts of the held-out set, a high probability did not mean a
# right name (phonetic spellings come out confident), so it is no agreeing cue of its own (None);
# it is the prior of the name's score, whose threshold (score.THRESHOLD) was set on whisper base.
P_NAME: float | None = None
P_REQUEST = 0.50
# A one-word name's token probability counts at most this much (its prior stays below "sure").
P_ONE_WORD_NAME = 0.80
# Said twice: at least one of the agreeing readings must reach this probability.
P_TWICE = 0.50

UNSURE_DIGITS = "whisper was unsure of some digits"

Redecode = Callable[[float, float], "str | None"]

# Cues that can be switched off to measure what each one is worth (bench/extract_eval.py
# --without CUE). Empty in the product.
CUES = ("twice", "caller_id", "one_off", "cnam", "sidecar", "p", "repair", "redecode", "area")
DISABLED: set[str] = set()


def make_field(value, support: list[str], doubt: list[str], evidence, note_extra: str | None = None,
               *, kind: str, p: float | None = None) -> CallbackField:
    """The field with its score (tui/extract/score.py) and the confidence the score leads to."""
    if value is None:
        return CallbackField(None, Provenance.EXTRACTED, None, None, note_extra)
    sc = score.combine(p, support, doubt)
    conf = score.confidence(kind, sc)
    parts = []
    if doubt:
        parts.extend(doubt)
    elif conf == "low":
        parts.append("heard once, nothing to confirm it" if not support or p is None
                     else "not clearly heard")
    if note_extra:
        parts.append(note_extra)
    note = "; ".join(parts) if parts else None
    return CallbackField(value, Provenance.EXTRACTED, conf, evidence, note, sc)


def empty() -> CallbackField:
    return CallbackField(None, Provenance.EXTRACTED, None, None, None)


_PUNCT = "\"'“”‘’()[]{}<>,;:!?."


class Ctx:
    def __init__(self, tm: TextMap, toks: list[Tok]):
        self.tm = tm
        self.toks = toks

    def tok_chars(self, first: int, last: int) -> tuple[int, int]:
        """Char span of tokens first..last without their edge punctuation."""
        a, b = self.toks[first], self.toks[last]
        lead = len(a.raw) - len(a.raw.lstrip(_PUNCT))
        trail = len(b.raw) - len(b.raw.rstrip(_PUNCT))
        start, end = a.start + lead, b.end - trail
        return (start, end) if start < end else (a.start, b.end)

    def tok_span(self, first: int, last: int):
        a, b = self.tok_chars(first, last)
        return self.tm.span(a, b)

    def tok_p(self, first: int, last: int):
        a, b = self.tok_chars(first, last)
        return self.tm.min_p(a, b)
