"""Spoken-number normalisation for phone numbers and extensions.

A small module of our own rather than text2num / number-parser: those turn "two hundred
fourteen" into 214 well, but phone numbers are read digit by digit with conventions they do
not cover ("oh" for zero, "double five", "triple", "oh one hundred" = 0100, "two fourteen" =
214, digit groups mixed with words, whisper's hyphenated digit runs). What we need is a
*digit string* per run of number words, with each digit traced back to the word it came from
(so the evidence span and the token probabilities can be found), and that is what `runs()`
gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {
    "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "niner": 9,
}
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
MULT = {"double": 2, "triple": 3, "treble": 3}
SCALE = {"hundred": 100, "thousand": 1000}
NUMBER_WORDS = set(UNITS) | set(TEENS) | set(TENS) | set(MULT) | set(SCALE)
# Words that may sit inside a spoken number without ending it.
FILLERS = {"uh", "um", "er", "erm"}
# Words that mark an extension, also glued to digits: "x214", "ext.214".
EXT_WORDS = {"extension", "ext", "extn", "x"}

_WORD = re.compile(r"\S+")
_EDGE_PUNCT = "\"'“”‘’()[]{}<>,;:!?."
_DIGITISH = re.compile(r"^\+?[\d\-./()]*\d[\d\-./()]*$")
_EXT_GLUED = re.compile(r"^(?P<pre>.*?\d)?(?P<mark>x|ext\.?|extn\.?)(?P<num>\d+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Tok:
    """One whitespace-separated word of the text, with its character span."""

    index: int
    raw: str
    core: str  # lower-case, edge punctuation stripped
    start: int  # char offset of raw in the text
    end: int
    ends_sentence: bool  # raw ends with . ? or ! (but not a decimal point inside digits)


# whisper also writes "Xt." for "ext." ("713-555-188-Xt.55"): only glued to digits
_GLUED_EXT_WORD = re.compile(r"(?i)((?<=[\d\-])(?:extension|ext\.?|xt\.)|(?:extension|ext\.?|xt\.)(?=-?\d))")


def tokenize(text: str) -> list[Tok]:
    """Whitespace words with char spans; "0158-extension18" is split into three words."""
    toks: list[Tok] = []
    for m in _WORD.finditer(text):
        word = m.group()
        pieces: list[tuple[str, int]] = []
        pos = 0
        for g in _GLUED_EXT_WORD.finditer(word):
            if g.start() > pos:
                pieces.append((word[pos:g.start()], pos))
            pieces.append((g.group(), g.start()))
            pos = g.end()
        if pos < len(word):
            pieces.append((word[pos:], pos))
        for raw, off in pieces:
            core = raw.strip(_EDGE_PUNCT + "-").lower() if raw.lower().strip("-.").startswith("ext") \
                else raw.strip(_EDGE_PUNCT).lower()
            ends = raw.rstrip("\"')”’]").endswith((".", "?", "!"))
            if raw.lower().strip("-.") == "xt":  # a glued "Xt." mark: "ext." with its e lost
                core, ends = "ext", False
            toks.append(Tok(len(toks), raw, core, m.start() + off, m.start() + off + len(raw), ends))
    return toks


@dataclass(frozen=True, slots=True)
class Run:
    """A maximal run of number words / digit groups, as a digit string.

    `owner[i]` is the token index that produced `digits[i]`; `groups` are the digit groups
    as written or said (e.g. ["585", "550100"]), used to judge where a digit went missing.
    """

    digits: str
    owner: tuple[int, ...]
    first: int  # first token index
    last: int  # last token index (inclusive)
    groups: tuple[str, ...]
    words: bool  # at least part of it was said in words
    glued_ext: bool = False  # written "x214" / "ext.214": an extension by its own mark


def _subparts(core: str) -> list[str] | None:
    """Split one word into number sub-parts, or None when it is not a number word at all."""
    if not core:
        return None
    if _DIGITISH.match(core):
        parts = [p for p in re.split(r"[\-./()]+", core.lstrip("+")) if p]
        return parts if all(p.isdigit() for p in parts) else None
    pieces = [p for p in core.split("-") if p]
    if pieces and all(p in NUMBER_WORDS or p.isdigit() for p in pieces):
        return pieces
    return None


def is_number_word(core: str) -> bool:
    return _subparts(core) is not None


def parse_parts(parts: list[tuple[str, int]]) -> tuple[str, list[int], list[str]]:
    """Turn number sub-parts (text, token index) into digits, digit owners and groups."""
    digits: list[str] = []
    owner: list[int] = []
    groups: list[str] = []
    i = 0
    n = len(parts)

    def emit(s: str, tok: int, new_group: bool = True) -> None:
        digits.extend(s)
        owner.extend([tok] * len(s))
        if new_group or not groups:
            groups.append(s)
        else:
            groups[-1] += s

    def small_value(j: int) -> tuple[int, int, int] | None:
        """A value 0..99 said as words starting at j: (value, digit count, next j)."""
        if j >= n:
            return None
        w = parts[j][0]
        if w in TEENS:
            return TEENS[w], 2, j + 1
        if w in TENS:
            if j + 1 < n and parts[j + 1][0] in UNITS and UNITS[parts[j + 1][0]] != 0 \
                    and parts[j + 1][0] not in ("oh", "o"):
                return TENS[w] + UNITS[parts[j + 1][0]], 2, j + 2
            return TENS[w], 2, j + 1
        if w in UNITS and w not in ("oh", "o"):
            return UNITS[w], 1, j + 1
        return None

    last_word_group = False
    while i < n:
        w, tok = parts[i]
        if w in ("|", "and"):  # a pause (comma) between groups, or a stray "and"
            last_word_group = False
            i += 1
            continue
        if w.isdigit():
            # "1 hundred" / "5 thousand" as whisper sometimes writes it
            if i + 1 < n and parts[i + 1][0] in SCALE and len(w) <= 2:
                scale = SCALE[parts[i + 1][0]]
                value = int(w) * scale
                j = i + 2
                rest = _scale_rest(parts, j, small_value)
                if rest is not None:
                    value += rest[0]
                    j = rest[1]
                emit(str(value), tok)
                i = j
                last_word_group = False
                continue
            emit(w, tok)
            last_word_group = False
            i += 1
            continue
        if w in MULT:
            if i + 1 < n:
                nxt, ntok = parts[i + 1]
                if nxt in UNITS:
                    emit(str(UNITS[nxt]) * MULT[w], ntok, new_group=not last_word_group)
                    last_word_group = True
                    i += 2
                    continue
                if nxt.isdigit() and len(nxt) == 1:
                    emit(nxt * MULT[w], ntok, new_group=not last_word_group)
                    last_word_group = True
                    i += 2
                    continue
            i += 1  # a stray "double": ignore it
            continue
        if w in SCALE:
            # "hundred" with nothing before it that could take it: "a hundred"
            emit(str(SCALE[w]), tok, new_group=True)
            last_word_group = False
            i += 1
            continue
        sv = small_value(i)
        if sv is None:  # "oh"/"o" (zero)
            emit(str(UNITS[w]), tok, new_group=not last_word_group)
            last_word_group = True
            i += 1
            continue
        value, width, j = sv
        if j < n and parts[j][0] in SCALE:
            scale = SCALE[parts[j][0]]
            value *= scale
            k = j + 1
            rest = _scale_rest(parts, k, small_value)
            if rest is not None:
                value += rest[0]
                k = rest[1]
            emit(str(value), tok, new_group=True)
            last_word_group = False
            i = k
            continue
        emit(str(value).zfill(width), tok, new_group=not last_word_group or width > 1)
        last_word_group = width == 1
        i = j
    return "".join(digits), owner, groups


def _scale_rest(parts, j, small_value):
    """After "hundred": "and" + a value, or a teen / tens word ("two hundred fourteen").

    A bare unit after "hundred" is *not* absorbed: "eight hundred, five five five" is a
    phone number's area code followed by the exchange, not 805.
    """
    n = len(parts)
    if j < n and parts[j][0] == "and":
        sv = small_value(j + 1)
        return (sv[0], sv[2]) if sv else None
    if j < n and (parts[j][0] in TEENS or parts[j][0] in TENS):
        sv = small_value(j)
        return (sv[0], sv[2]) if sv else None
    return None


def runs(toks: list[Tok]) -> list[Run]:
    """Maximal runs of number words in `toks` (extension markers and sentence ends break runs)."""
    out: list[Run] = []
    cur: list[tuple[str, int]] = []
    first = last = -1
    said_words = False

    def flush() -> None:
        nonlocal cur, first, last, said_words
        if cur:
            digits, owner, groups = parse_parts(cur)
            if digits:
                out.append(Run(digits, tuple(owner), first, last, tuple(groups), said_words))
        cur = []
        first = last = -1
        said_words = False

    for t in toks:
        core = t.core
        glued = _EXT_GLUED.match(core) if core and core[0] in "0123456789xe" else None
        if glued and glued.group("mark"):
            pre = glued.group("pre")
            if pre:
                parts = _subparts(pre)
                if parts:
                    if first < 0:
                        first = t.index
                    cur.extend((p, t.index) for p in parts)
                    last = t.index
            flush()
            # the extension digits become their own run, flagged by the marker before them
            digits = glued.group("num")
            out.append(Run(digits, tuple([t.index] * len(digits)), t.index, t.index, (digits,), False, True))
            continue
        parts = _subparts(core)
        if parts is None:
            if core in FILLERS and cur:
                continue
            if core == "and" and cur and cur[-1][0] in SCALE:
                cur.append(("and", t.index))
                continue
            flush()
            continue
        if first < 0:
            first = t.index
        if any(not p.isdigit() for p in parts):
            said_words = True
        cur.extend((p, t.index) for p in parts)
        last = t.index
        if t.ends_sentence:
            flush()
        elif t.raw.rstrip("\"')").endswith((",", ";", ":")):
            cur.append(("|", t.index))
    flush()
    return out


def words_to_digits(text: str) -> str:
    """All digits of the number runs in `text`, concatenated (for tests and quick checks)."""
    return "".join(r.digits for r in runs(tokenize(text)))
