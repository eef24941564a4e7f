"""Phone numbers and extensions heard in a message: readings, validation, repairs, the choice.

Every reading is validated with phonenumbers (digit count, NANP area code / exchange rules).
An invalid reading is never promoted to high confidence on its own: a repair (a collapsed
repeated digit restored, a doubled digit removed) is offered as a low-confidence guess unless
a second, independent cue confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import phonenumbers

from tui.extract.numbers import EXT_WORDS, Run, Tok, runs, tokenize

MIN_DIGITS = 7  # shorter runs are not phone numbers (times, amounts, extensions)


def validate(digits: str, region: str) -> str | None:
    """E.164 for `digits` when phonenumbers calls it a valid number in `region`, else None."""
    if not digits or len(digits) > 15:
        return None
    try:
        num = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    # phonenumbers accepts extra digits for some regions; insist on an exact reading
    nsn = phonenumbers.national_significant_number(num)
    if not (digits.endswith(nsn) and len(digits) - len(nsn) <= 1):
        return None
    return e164


def pretty(e164: str | None) -> str:
    """"+1 206-555-0100" for the pane and notes."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None),
                                          phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def national_digits(e164: str | None) -> str | None:
    if not e164:
        return None
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


@dataclass
class Reading:
    """One phone number as heard (a piece of a run of number words)."""

    raw: str  # digits as heard
    e164: str | None  # when valid as heard
    first_tok: int
    last_tok: int
    groups: tuple[str, ...]
    repairs: list[str] = field(default_factory=list)  # valid E.164 repairs, best first
    retracted: bool = False
    preferred: bool = False  # "best number", "direct line", "reach me at" ...
    local: bool = False  # 7 digits, area code taken from the caller ID

    @property
    def clean(self) -> bool:
        """Written in one of the usual shapes (415-555-0132, 4155550132, 1-415-555-0132):
        a reading whisper pieced together irregularly ("781-55-5-0-1-double-6") is not."""
        shape = tuple(len(g) for g in self.groups)
        return shape in _CLEAN_SHAPES

    @property
    def valid(self) -> bool:
        return self.e164 is not None

    @property
    def best(self) -> str | None:
        return self.e164 or (self.repairs[0] if self.repairs else None)


_CLEAN_SHAPES = {(3, 3, 4), (10,), (3, 7), (1, 3, 3, 4), (11,), (1, 10), (1, 3, 7), (6, 4), (3, 3, 2, 2)}


# --- finding readings ------------------------------------------------------------------------

def _is_ext_run(run: Run, toks: list[Tok]) -> bool:
    if run.glued_ext:
        return True
    for back in (1, 2):
        j = run.first - back
        if j < 0:
            break
        core = toks[j].core
        if core in EXT_WORDS or core in ("extension", "ext."):
            return True
        if core not in ("number", "is", "at", "the", "my"):
            break
    return False


def _split_digits(run: Run, region: str) -> list[tuple[int, int]]:
    """Split a run's digits into pieces that are each one number (said twice in one breath)."""
    d = run.digits
    if len(d) < 14 or validate(d, region):
        return [(0, len(d))]
    # candidate cut points: group boundaries
    cuts, pos = [], 0
    for g in run.groups[:-1]:
        pos += len(g)
        cuts.append(pos)
    best: tuple[int, int] | None = None
    best_score = -1
    for c in cuts:
        a, b = d[:c], d[c:]
        if len(a) < MIN_DIGITS or len(b) < MIN_DIGITS:
            continue
        score = (2 if validate(a, region) else 0) + (2 if validate(b, region) else 0)
        score += 1 if 9 <= len(a) <= 11 and 9 <= len(b) <= 11 else 0
        if score > best_score:
            best, best_score = (c, score), score
    if best is None:
        return [(0, len(d))]
    c = best[0]
    return [(0, c), (c, len(d))]


def _merge_split(rs: list[Run], toks: list[Tok]) -> list[Run]:
    """Join a number broken by a stray full stop ("Call me at 702. 555 0145.")."""
    out: list[Run] = []
    for r in rs:
        if out:
            p = out[-1]
            if (r.first == p.last + 1 and not p.glued_ext and not r.glued_ext
                    and 3 <= len(p.digits) < 10 and len(r.digits) >= 3 and len(p.digits) + len(r.digits) <= 11
                    and toks[p.last].ends_sentence and not _is_ext_run(r, toks)):
                out[-1] = Run(p.digits + r.digits, p.owner + r.owner, p.first, r.last,
                              p.groups + r.groups, p.words or r.words)
                continue
        out.append(r)
    return out


def _piece_groups(run: Run, a: int, b: int) -> tuple[str, ...]:
    out, pos = [], 0
    for g in run.groups:
        s, e = pos, pos + len(g)
        pos = e
        lo, hi = max(s, a), min(e, b)
        if lo < hi:
            out.append(run.digits[lo:hi])
    return tuple(out)


def repairs_for(raw: str, groups: tuple[str, ...], region: str, caller: str | None) -> list[str]:
    """Valid numbers one edit away from an invalid reading, most plausible first.

    The edits are the failures small whisper models make on phone audio: a digit lost
    (mostly one of a repeated run, "five five five" -> "55"), a digit doubled.
    """
    caller_nat = national_digits(caller) or ""
    scored: dict[str, float] = {}

    def consider(cand: str, score: float) -> None:
        e164 = validate(cand, region)
        if not e164:
            return
        nat = national_digits(e164) or ""
        if caller_nat and len(nat) == len(caller_nat) >= 10:
            # a direct line usually shares its leading digits with the main line that shows
            # as the caller ID: the longer the shared prefix, the likelier the repair
            common = 0
            while common < len(nat) and nat[common] == caller_nat[common]:
                common += 1
            score += 0.3 * common
        if score > scored.get(e164, -1e9):
            scored[e164] = score

    n = len(raw)
    # written 3-3-3 ("713-555-188") with an exchange that is no collapsed triple ("550" may be
    # "555" + "0"): the area code and exchange are whole, the line lost a digit
    short_line = n == 9 and tuple(len(g) for g in groups) == (3, 3, 3) and \
        not (groups[1][0] == groups[1][1] != groups[1][2] or groups[1][0] != groups[1][1] == groups[1][2])
    if n in (9, 10):  # a digit lost (10: with a leading 1)
        for i in range(n + 1):
            for dgt in "0123456789":
                cand = raw[:i] + dgt + raw[i:]
                left = raw[i - 1] if i > 0 else ""
                right = raw[i] if i < n else ""
                score = 0.0
                if dgt == left or dgt == right:
                    score += 2
                    # restores a collapsed triple ("55" -> "555"); a run of four is rarer
                    lo, hi = _group_bounds(len(cand), i)
                    j = i
                    while j > lo and cand[j - 1] == dgt:
                        j -= 1
                    k = i
                    while k + 1 < hi and cand[k + 1] == dgt:
                        k += 1
                    if k - j + 1 == 3 and hi < len(cand):  # a triple in the area code or exchange
                        score += 1.5
                    elif k - j + 1 > 3:
                        score -= 1
                if short_line:
                    # most often the line's leading "oh" ("oh one eight eight" written "188")
                    score += (1.0 + (2.5 if i == 6 and dgt == "0" else 0.0)) if i >= 6 else -1.0
                consider(cand, score)
    if n in (11, 12):  # a digit doubled
        for i in range(n):
            cand = raw[:i] + raw[i + 1:]
            dup = (i > 0 and raw[i - 1] == raw[i]) or (i + 1 < n and raw[i + 1] == raw[i])
            consider(cand, 2.0 if dup else 0.0)
    if n == 10 and not validate(raw, region):  # one digit misheard: only via the caller ID
        if caller_nat and len(caller_nat) == 10 and _hamming(raw, caller_nat) == 1:
            consider(caller_nat, 0.0)
    ranked = sorted(scored.items(), key=lambda kv: -kv[1])
    return [e for e, _ in ranked]


def _group_bounds(length: int, i: int) -> tuple[int, int]:
    """The NANP group (area code, exchange, line; after a leading 1) holding position i."""
    cuts = [0, 3, 6, 10] if length == 10 else [0, 1, 4, 7, 11] if length == 11 else [0, length]
    for a, b in zip(cuts, cuts[1:]):
        if a <= i < b:
            return a, b
    return 0, length


def _hamming(a: str, b: str) -> int:
    if len(a) != len(b):
        return 99
    return sum(1 for x, y in zip(a, b) if x != y)


_RETRACT_BEFORE = ("not my", "not the", "not at", "not on", "don't use", "do not use", "don't call",
                   "instead of", "no longer", "used to be", "old number", "old one", "ignore",
                   "old cell", "old line", "old office")
# right after a number: it is being taken back
_RETRACT_AFTER = ("that's my old", "that is my old", "is my old", "was my old", "that's the old",
                  "that's old", "is old", "scratch that", "no wait", "no, wait", "wait, no", "sorry",
                  "i mean", "that's wrong", "that was wrong", "that's not right", "actually no",
                  "actually, no", "oops", "doesn't work", "does not work", "is disconnected",
                  "no longer works", "is out of service", "don't use that", "ignore that")
_PREFER = ("best number", "best way", "is best", "is better", "better number", "direct line", "direct number", "my cell", "cell phone",
           "mobile", "reach me", "call me", "call me back", "give me a call", "callback number",
           "call back number", "the number is", "my number is", "number is", "text me",
           "instead", "new number", "correct number", "actually")
_AVOID = ("fax", "main line", "switchboard", "front desk", "toll free", "toll-free", "main number",
          "my desk", "desk line", "the office is", "office line", "office number")


def _context(toks: list[Tok], a: int, b: int) -> str:
    a = max(0, a)
    return " ".join(t.raw.lower() for t in toks[a:b])


def readings(text: str, region: str, caller: str | None) -> tuple[list[Reading], list[tuple[str, int, int]], list[Tok]]:
    """Phone readings and extensions ((digits, first_tok, last_tok)) heard in `text`."""
    toks = tokenize(text)
    found: list[Reading] = []
    exts: list[tuple[str, int, int]] = []
    caller_nat = national_digits(caller)
    prev_last = -1
    for run in _merge_split(runs(toks), toks):
        if _is_ext_run(run, toks):
            if 1 <= len(run.digits) <= 6:
                exts.append((run.digits, run.first, run.last))
            continue
        if len(run.digits) < MIN_DIGITS:
            continue
        for a, b in _split_digits(run, region):
            raw = run.digits[a:b]
            if len(raw) < MIN_DIGITS:
                continue
            first, last = run.owner[a], run.owner[b - 1]
            groups = _piece_groups(run, a, b)
            r = Reading(raw=raw, e164=validate(raw, region), first_tok=first, last_tok=last, groups=groups)
            if len(raw) == 7 and region in ("US", "CA") and caller_nat and len(caller_nat) == 10:
                e = validate(caller_nat[:3] + raw, region)
                if e:
                    r.e164, r.local = None, True
                    r.repairs = [e]
            elif not r.valid:
                r.repairs = repairs_for(raw, groups, region, caller)
            before = _context(toks, max(first - 6, prev_last + 1), first)
            after = _context(toks, last + 1, last + 7)
            r.retracted = any(c in before for c in _RETRACT_BEFORE) or \
                any(after.startswith(c) for c in _RETRACT_AFTER)
            prev_last = last
            r.preferred = any(c in before for c in _PREFER) and not any(c in before for c in _AVOID)
            if any(c in before for c in _AVOID):
                r.preferred = False
            found.append(r)
    return found, exts, toks


_THIS_NUMBER = ("this number", "the number i'm calling from", "the number i am calling from",
                "number i'm calling from", "number that came up", "number that shows",
                "number on your caller id", "number on the caller id", "the number you see",
                "number showing", "this line", "the number i called from", "same number")
_NOT_THIS = ("not this number", "not at this number", "don't call this number",
             "do not call this number", "not on this line", "don't call me back at this",
             "can't be reached at this", "cannot be reached at this", "not reachable at this")


def mentions_this_number(text: str) -> bool:
    low = " ".join(text.lower().split())
    if any(c in low for c in _NOT_THIS):
        return False
    return any(c in low for c in _THIS_NUMBER)


def same_number(a: str | None, b: str | None) -> bool:
    return bool(a) and a == b


def sidecar_numbers(text: str | None, region: str, caller: str | None) -> list[str]:
    """Valid numbers in a second transcript (e.g. Google's), in order, repaired when unique."""
    if not text:
        return []
    rs, _, _ = readings(text, region, caller)
    return [r.e164 for r in rs if r.e164]


def parse_number_text(text: str | None, region: str, caller: str | None) -> list[Reading]:
    """Readings in a short re-decoded piece of audio."""
    if not text:
        return []
    rs, _, _ = readings(text, region, caller)
    return rs


__all__ = ["Reading", "validate", "pretty", "readings", "repairs_for", "mentions_this_number",
           "sidecar_numbers", "parse_number_text", "national_digits", "tokenize"]
