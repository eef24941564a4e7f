"""The number and extension fields: readings, the caller ID, Google's transcript, re-reads."""

from __future__ import annotations

from dataclasses import dataclass

from tui.extract.fieldkit import (DISABLED, P_NUMBER, P_TWICE, UNSURE_DIGITS, Ctx, make_field,
                                  empty)
from tui.extract.phone import (Reading, mentions_this_number, national_digits, parse_number_text,
                               pretty, readings)
from tui.library.models import CallbackField

# --- number ---------------------------------------------------------------------------------

@dataclass
class _R:
    reading: Reading
    value: str | None
    support: list[str]
    doubt: list[str]
    heard_valid: bool


def _fmt_heard(r: Reading) -> str:
    return "-".join(r.groups) if r.groups else r.raw


def number_field(ctx: Ctx, rs: list[Reading], caller, region, sidecar, redecode, text):
    resolved: list[_R] = []
    for r in rs:
        support: list[str] = []
        doubt: list[str] = []
        value = r.e164
        if "repair" in DISABLED and not r.local:
            r.repairs = []
        if value is None:
            heard = _fmt_heard(r)
            reread = None
            span = ctx.tok_span(r.first_tok, r.last_tok)
            if redecode is not None and span is not None:
                for cand in parse_number_text(redecode(*span), region, caller):
                    if cand.e164:
                        reread = cand.e164
                        break
            if r.local and r.repairs:
                value = r.repairs[0]
                doubt.append(f"no area code said: assumed the caller ID's ({heard})")
            elif reread:
                value = reread
                if r.repairs and reread == r.repairs[0]:
                    support.append(f"heard as {heard}; a re-read agrees with the likeliest repair")
                else:
                    doubt.append(f"first heard as {heard}; re-read as {pretty(reread)}")
            elif r.repairs:
                value = r.repairs[0]
                doubt.append(f"heard as {heard} ({len(r.raw)} digits), best guess {pretty(value)}")
            else:
                doubt.append(f"heard as {heard}: not a valid number")
        resolved.append(_R(r, value, support, doubt, r.e164 is not None))

    this_number = mentions_this_number(text)
    usable = [x for x in resolved if x.value]
    pool = [x for x in usable if not x.reading.retracted] or usable
    alt: list[str] = []
    for x in usable:
        if x.reading.retracted and x.value not in alt and x not in pool:
            alt.append(x.value)

    chosen: _R | None = None
    support: list[str] = []
    doubt: list[str] = []
    note_extra: str | None = None
    values: list[str] = []
    for x in pool:
        if x.value not in values:
            values.append(x.value)

    if values:
        if len(values) == 1:
            group = [x for x in pool if x.value == values[0]]
            chosen = next((x for x in group if x.heard_valid), group[0])
            if len(group) >= 2 and any(x.heard_valid for x in group) and "twice" not in DISABLED:
                why = _twice_doubt(ctx, group)
                if why:
                    support.extend(chosen.support)
                    doubt.extend(chosen.doubt or [why])
                else:
                    support.append("said twice, both readings agree")
                    # a collapsed reading agreeing with a clean one is not a doubt
                    doubt = []
            else:
                support.extend(chosen.support)
                doubt.extend(chosen.doubt)
        else:
            pref = [v for v in values if any(x.reading.preferred for x in pool if x.value == v)]
            near = _near_pairs(values)
            # "the office is X, but my cell is best: Y, again Y": two numbers on purpose, the
            # preferred one said twice alike, is not one number misheard
            if near and len(pref) == 1 and \
                    sum(1 for x in pool if x.value == pref[0] and x.heard_valid) >= 2 and \
                    not any(x.reading.preferred for x in pool if x.value != pref[0]):
                near = None
            if near:
                a, b = near
                # the one said to be best, when heard whole ("my desk is X, my mobile is better: Y");
                # else the one heard whole (a repaired guess is the likelier mishearing)
                pref_whole = len(pref) == 1 and pref[0] in near and \
                    any(x.heard_valid for x in pool if x.value == pref[0])
                chosen = _first_valid(pool, pref if pref_whole else [a, b])
                other = b if chosen.value == a else a
                doubt.append(f"said twice but the readings differ: {pretty(a)} / {pretty(b)}")
                alt.append(other)
            elif len(pref) == 1 and len(values) - len(pref) >= 1 and any(x.reading.retracted for x in usable) or \
                    len(pref) == 1:
                chosen = _first_valid(pool, pref)
                support.extend(chosen.support)
                doubt.extend(chosen.doubt)
            else:
                chosen = _first_valid(pool, values)
                doubt.append("several numbers were said: check which one to call")
            for v in values:
                if v != chosen.value and v not in alt:
                    alt.append(v)
            group = [x for x in pool if x.value == chosen.value]
            if len(group) >= 2 and any(x.heard_valid for x in group) and not doubt and "twice" not in DISABLED:
                why = _twice_doubt(ctx, group)
                if why:
                    doubt.append(why)
                else:
                    support.append("said twice, both readings agree")

    value = chosen.value if chosen else None
    ev = ctx.tok_span(chosen.reading.first_tok, chosen.reading.last_tok) if chosen else None
    if chosen is not None and chosen.reading.retracted:
        # only a number they took back was heard (the one to use was lost): never sure
        doubt.append("they said not to use this number; the one to use was not heard clearly")

    # the caller ID: a second opinion and a fallback
    if value and caller:
        cn, vn = national_digits(caller), national_digits(value)
        if value == caller and "caller_id" not in DISABLED:
            support.append("matches the caller ID")
        elif "one_off" not in DISABLED and cn and vn and len(cn) == len(vn) and sum(a != b for a, b in zip(cn, vn)) == 1 \
                and not any("said twice" in s for s in support) and _sibling_line(cn, vn) \
                and chosen is not None and chosen.heard_valid:
            # the office's main line (…00) or a colleague's and a direct line: two numbers
            if cn.endswith("00") and chosen.reading.clean:
                # beside a main line, heard whole in a usual shape: the direct line they gave
                # (measured: every such number on natural voices; "oh one hundred" is not
                # heard as "oh one oh five"); it is then judged like any number in the area code
                note_extra = f"the caller ID {pretty(caller)} is the office's main line"
            else:
                doubt.append(f"one digit off the caller ID {pretty(caller)} (another line of the same "
                             f"office?): check which to call")
            if caller not in alt:
                alt.append(caller)
        elif "one_off" not in DISABLED and cn and vn and len(cn) == len(vn) and sum(a != b for a, b in zip(cn, vn)) == 1 \
                and not any("said twice" in s for s in support):
            # whisper's usual slip ("oh" heard as "five", 550 for 555) inside an otherwise exact
            # caller ID: the caller ID it is (measured right in 5 of 5 such messages)
            heard = (f"heard {pretty(value)}, one digit off the caller ID: "
                     f"taken to be the caller ID {pretty(caller)}")
            value = caller
            if _sibling_line(cn, vn):
                # a best guess differing in the last two digits: the caller ID or another line
                # of the same office, both seen (whisper base / tiny.en): flagged either way
                support, doubt = [], [heard]
            else:
                note_extra = heard
                support = ["the caller ID but for one misheard digit"]
                doubt = []
    if this_number and caller:
        if value is None:
            value = caller
            support = ["they asked to be called back at this number (the caller ID)"]
            doubt = []
            cue_at = text.lower().find("this number")
            if cue_at < 0:
                cue_at = text.lower().find("number")
            ev = ctx.tm.span(cue_at, cue_at + len("this number")) if cue_at >= 0 else None
        elif value != caller and not (chosen and chosen.reading.preferred):
            alt.insert(0, value)
            value = caller
            doubt = ["they said 'this number' and also gave another number: check which one to call"]
            support = []

    # Google's transcript as a second opinion
    if sidecar and value:
        sc = [r for r in readings(sidecar, region, caller)[0]]
        sc_vals = list(dict.fromkeys(r.e164 for r in sc if r.e164))
        if len(sc_vals) > 1 and value in sc_vals:
            # the other numbers Google has are ones whisper heard as other numbers too (the
            # office line, an old number): the two transcripts agree on which is which
            rest = [v for v in sc_vals if v not in alt]
            if rest == [value]:
                sc_vals = [value]
                doubt = [d for d in doubt if not d.startswith("said twice but")]
        if len(sc_vals) > 1 and value in sc_vals:
            # Google's transcript disagrees with itself (e.g. "0169", then "0166"): it confirms nothing
            others = [v for v in sc_vals if v != value]
            doubt.append("Google's transcript has " + " and ".join(pretty(v) for v in sc_vals))
            alt.extend(v for v in others if v not in alt)
        elif len(sc_vals) > 1:
            doubt.append("Google's transcript has " + " and ".join(pretty(v) for v in sc_vals))
        elif value in sc_vals:
            support.append("Google's transcript agrees")
            # a second transcriber settles a doubtful reading, not a doubt about which number
            doubt = [d for d in doubt if d.startswith("several") or "this number" in d or "one digit off" in d]
        elif sc_vals:
            if chosen is not None and value == chosen.value and not chosen.heard_valid \
                    and sc_vals[0] in chosen.reading.repairs:
                value = sc_vals[0]
                doubt = []
                support = ["Google's transcript has it and it fits what whisper heard"]
            else:
                doubt.append(f"Google's transcript has {pretty(sc_vals[0])}")
                if sc_vals[0] not in alt:
                    alt.append(sc_vals[0])

    # whisper's own certainty, then a re-read of the span, for a number heard once
    if value and chosen is not None and value == chosen.value and chosen.heard_valid and not support and not doubt:
        p = ctx.tok_p(chosen.reading.first_tok, chosen.reading.last_tok)
        if "p" in DISABLED:
            p = None
        if p is not None and p >= P_NUMBER and chosen.reading.clean:
            support.append(f"clearly heard (p >= {P_NUMBER:.2f})")
        elif redecode is not None and ev is not None:
            again = [r.e164 for r in parse_number_text(redecode(*ev), region, caller) if r.e164]
            if value in again:
                support.append("a re-read of the audio agrees")
            elif again:
                doubt.append(f"a re-read of the audio heard {pretty(again[0])}")
                alt.append(again[0])
        if p is not None and p < P_NUMBER and not support and not note_extra:
            note_extra = UNSURE_DIGITS

    # plausibility: a number heard whole and valid, in the caller ID's own area code
    if value and caller and chosen is not None and value == chosen.value and chosen.heard_valid \
            and value != caller and not doubt and "area" not in DISABLED:
        cn, vn = national_digits(caller), national_digits(value)
        if cn and vn and len(cn) == len(vn) == 10 and cn[:3] == vn[:3]:
            support.append("in the caller ID's area code")

    alt = [a for a in dict.fromkeys(alt) if a and a != value]
    p_num = None
    if value and chosen is not None and value == chosen.value and "p" not in DISABLED:
        p_num = ctx.tok_p(chosen.reading.first_tok, chosen.reading.last_tok)
        if p_num is not None and not chosen.reading.clean:
            p_num *= 0.8  # oddly grouped digits: heard less clearly than the probabilities say
    f = make_field(value, support, doubt, ev, note_extra, kind="number", p=p_num)
    if f.confidence == "high" and f.note == UNSURE_DIGITS:
        # sure all the same (its area code, ...): the pane shows a sure number plainly
        f = CallbackField(f.value, f.provenance, f.confidence, f.evidence, None, f.score)
    differs = None if (value is None or caller is None) else value != caller
    number_note = None
    if differs:
        number_note = f"Caller ID is {pretty(caller)} — they asked you to call {pretty(value)}"
    return f, alt, differs, number_note


def _sibling_line(caller_nat: str, heard_nat: str) -> bool:
    """The heard number differs from the caller ID only in its last two digits: another line of
    the same office (a main line ...00 and a direct line), not the caller ID misheard (measured:
    both such messages on natural voices were direct lines; the misheard ones differed earlier
    or were a best guess from a reading of the wrong length). Only for a number heard whole."""
    return caller_nat[:-2] == heard_nat[:-2]


def _twice_doubt(ctx: Ctx, group: list[_R]) -> str | None:
    """Two readings of one model agreeing are not independent: the same voice saying the same
    digits is misheard the same way. They count only when one is written in a usual shape
    and whisper was not unsure of both (measured: "647-5550-153" twice, both at p < 0.3)."""
    if not any(x.reading.clean for x in group):
        return "said twice, but both readings are oddly grouped: whisper may have misheard both"
    ps = [ctx.tok_p(x.reading.first_tok, x.reading.last_tok) for x in group]
    known = [p for p in ps if p is not None]
    if known and max(known) < P_TWICE:
        return "said twice, but whisper was unsure of the digits both times"
    return None


def _near_pairs(values: list[str]) -> tuple[str, str] | None:
    for i, a in enumerate(values):
        for b in values[i + 1:]:
            na, nb = national_digits(a) or "", national_digits(b) or ""
            if len(na) == len(nb) and sum(x != y for x, y in zip(na, nb)) <= 2:
                return a, b
    return None


def _first_valid(pool: list[_R], allowed: list[str]) -> _R:
    cands = [x for x in pool if x.value in allowed]
    return next((x for x in cands if x.heard_valid), cands[0])


# --- extension ------------------------------------------------------------------------------

def extension_field(ctx: Ctx, exts) -> CallbackField:
    if not exts:
        return empty()
    values = list(dict.fromkeys(d for d, _, _ in exts))
    digits, first, last = exts[0]
    ev = ctx.tok_span(first, last)
    support, doubt = [], []
    p = None if "p" in DISABLED else ctx.tok_p(first, last)
    if len(values) > 1:
        doubt.append("extension heard differently: " + " / ".join(values))
    elif len(exts) >= 2 and "twice" not in DISABLED:
        support.append("said twice, both readings agree")
    elif p is not None and p >= P_NUMBER:
        support.append("clearly heard")
    return make_field(digits, support, doubt, ev, kind="extension", p=p)
