""""No call needed": the caller says there is nothing to call back about.

Found with evidence like every field, and never acted on automatically: the app shows it once the
message is listened, and the person accepts it with a key. "high" only when it is said outright
("there is no need to call me back") and nothing in the message asks for a call; a hint ("I'll
email you the details", "just confirming", "a courtesy call") or a message that also asks for a
call gives "low". A hint next to a plain request to call is not a detection at all. Pure: no I/O.
"""

from __future__ import annotations

import re

from tui.extract.textmap import TextMap
from tui.library.models import CallbackField, Provenance

_OUTRIGHT = [
    r"\bno need (?:for you )?to (?:call|ring|phone|return|get back to|reply|respond)\b",
    r"\b(?:you )?(?:don'?t|do not|won'?t|will not) (?:need|have) to (?:call|ring|phone|return|get back to|reply)\b",
    r"\bno (?:call[- ]?back|return call|reply|response) (?:is |will be )?(?:needed|necessary|required)\b",
    r"\bno (?:need|action) (?:is )?(?:needed|required|necessary)\b",
    r"\bno action (?:is )?(?:needed|required) (?:on|from) your (?:part|end|side)\b",
    r"\bnothing (?:you need to do|(?:is )?needed from you)\b",
    r"\byou (?:don'?t|do not) need to do anything\b",
]
_HINTS = [
    r"\bI(?:'ll| will| am going to|'m going to) (?:e-?mail|send|text) you\b",
    r"\b(?:just|only) (?:wanted to |calling to |want to |called to )?confirm(?:ing)?\b",
    r"\bcourtesy call\b",
    r"\bjust (?:a )?(?:quick |friendly )?reminder\b",
    r"\bjust (?:wanted to |calling to )?(?:let(?:ting)? you know)\b",
    r"\bfor your information\b|\bFYI\b",
]
# A plain request for a call (not one said as "no need to call", not "if you have questions").
_ASKS = re.compile(
    r"\b(?:call|ring|phone) (?:me|us)\b|\bcall (?:back|my|our)\b|\bgive (?:me|us) a (?:call|ring|buzz)\b"
    r"|\bget back to (?:me|us)\b|\breturn (?:my|this|our) call\b|\b(?:my|our) (?:number|direct line) is\b",
    re.I,
)
_NEGATED = re.compile(r"(?:\bno\s+|no need (?:for you )?to|(?:don'?t|do not|won'?t) (?:need|have) to)\s+$", re.I)
_CONDITIONAL = re.compile(r"\bif (?:you (?:have|need|want|can't|cannot)|there (?:are|is)|anything)\b[^.!?]*$", re.I)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")

_OUTRIGHT_RE = [re.compile(p, re.I) for p in _OUTRIGHT]
_HINTS_RE = [re.compile(p, re.I) for p in _HINTS]


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    for m in _SENTENCE.finditer(text):
        if m.start() <= start < m.end():
            lead = len(m.group()) - len(m.group().lstrip())
            return m.start() + lead, max(end, m.start() + len(m.group().rstrip()))
    return start, end


def _asks_for_a_call(text: str) -> bool:
    saying_no = [m.span() for p in _OUTRIGHT_RE for m in p.finditer(text)]
    for m in _ASKS.finditer(text):
        if any(a <= m.start() < b for a, b in saying_no):  # part of "no call back needed"
            continue
        before = text[max(0, m.start() - 40):m.start()]
        sentence_start = max(text.rfind(c, 0, m.start()) for c in ".!?") + 1
        if _NEGATED.search(before) or _CONDITIONAL.search(text[sentence_start:m.start()]):
            continue
        return True
    return False


def find(tm: TextMap) -> CallbackField | None:
    """The sentence that says no call is needed, with confidence and evidence, or None."""
    text = tm.text
    if not text.strip():
        return None
    outright = _first(_OUTRIGHT_RE, text)
    hint = _first(_HINTS_RE, text)
    asks = _asks_for_a_call(text)
    if outright is not None:
        match, confidence = outright, "low" if asks else "high"
        note = "the message also asks for a call: replay to be sure" if asks else None
    elif hint is not None and not asks:
        match, confidence, note = hint, "low", "a hint, not said outright: replay to be sure"
    else:
        return None
    start, end = _sentence(text, *match)
    said = " ".join(text[start:end].split())
    return CallbackField(said, Provenance.EXTRACTED, confidence, tm.span(start, end), note)


def _first(patterns: list[re.Pattern], text: str) -> tuple[int, int] | None:
    hits = [m.span() for p in patterns for m in [p.search(text)] if m]
    return min(hits) if hits else None
