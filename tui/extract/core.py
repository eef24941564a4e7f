"""extract(): transcript + caller ID -> callback fields, each with confidence and evidence.

The rule throughout: a field is "high" only when a second, independent cue backs the first
reading (said twice and agreeing, the caller ID or its name, Google's transcript, a re-read
of the audio, or clear token probabilities from whisper) and nothing contradicts it.
Everything else is "low", with a note saying why, so the pane can offer to replay the span.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from tui.extract import names as N
from tui.extract import nocall
from tui.extract.contact_cue import apply_all
from tui.extract.numbers import Tok
from tui.extract.phone import (Reading, mentions_this_number, national_digits, parse_number_text,
                               pretty, readings, validate)
from tui.extract.textmap import TextMap
from tui.library.models import CALLBACK_FIELDS, CallbackField, Provenance, Transcript

# Lowest whisper token probability over a field's tokens for the field to count as clearly heard.
P_NUMBER = 0.80
# Names: measured on tiny.en transcripts of the held-out set, a high probability did not mean a
# right name (phonetic spellings come out confident), so it is not used as a cue (None).
P_NAME: float | None = None
P_REQUEST = 0.50
# Said twice: at least one of the agreeing readings must reach this probability.
P_TWICE = 0.50

Redecode = Callable[[float, float], "str | None"]

# Cues that can be switched off to measure what each one is worth (bench/extract_eval.py
# --without CUE). Empty in the product.
CUES = ("twice", "caller_id", "one_off", "cnam", "sidecar", "p", "repair", "redecode")
DISABLED: set[str] = set()


@dataclass(frozen=True, slots=True)
class Extraction:
    fields: dict[str, CallbackField]
    alt_numbers: list[str] = field(default_factory=list)
    number_differs_from_caller_id: bool | None = None
    number_note: str | None = None
    no_call: CallbackField | None = None  # "no need to call me back" (tui.extract.nocall)

    def as_json(self) -> dict:
        """The `callback` object of `analyze --json` / `export --format json` (DESIGN.md)."""
        out: dict = {k: self.fields[k].value for k in CALLBACK_FIELDS}
        out["number_differs_from_caller_id"] = self.number_differs_from_caller_id
        out["alt_numbers"] = list(self.alt_numbers)
        out["confidence"] = {k: self.fields[k].confidence for k in CALLBACK_FIELDS}
        out["evidence"] = {k: (list(self.fields[k].evidence) if self.fields[k].evidence else None)
                           for k in CALLBACK_FIELDS}
        out["notes"] = {k: self.fields[k].note for k in CALLBACK_FIELDS if self.fields[k].note}
        if self.number_note:
            out["number_note"] = self.number_note
        out["no_call"] = no_call_json(self.no_call)
        return out


def no_call_json(field: CallbackField | None) -> dict | None:
    """The `no_call` object of the JSON outputs: what was said, how sure, where."""
    if field is None or not field.value:
        return None
    return {"said": field.value, "confidence": field.confidence,
            "evidence": [round(field.evidence[0], 2), round(field.evidence[1], 2)] if field.evidence else None}


def _field(value, support: list[str], doubt: list[str], evidence, note_extra: str | None = None) -> CallbackField:
    if value is None:
        return CallbackField(None, Provenance.EXTRACTED, None, None, note_extra)
    conf = "high" if support and not doubt else "low"
    parts = []
    if doubt:
        parts.extend(doubt)
    elif conf == "low":
        parts.append("heard once, nothing to confirm it")
    if note_extra:
        parts.append(note_extra)
    note = "; ".join(parts) if parts else None
    return CallbackField(value, Provenance.EXTRACTED, conf, evidence, note)


def _empty() -> CallbackField:
    return CallbackField(None, Provenance.EXTRACTED, None, None, None)


_PUNCT = "\"'“”‘’()[]{}<>,;:!?."


class _Ctx:
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


def extract(transcript: Transcript | None, *, caller_number: str | None = None,
            caller_name: str | None = None, sidecar_transcript: str | None = None,
            region: str = "US", redecode: Redecode | None = None,
            contact: tuple[str | None, str | None] | None = None) -> Extraction:
    """Callback details from a whisper transcript (word times, token probabilities) + metadata.

    `redecode(start_s, end_s) -> str | None`, when given, re-transcribes just that span (e.g.
    with a digits prompt or beam search); it is asked about a number whose first reading is
    invalid, and to confirm a valid number heard only once. `contact`: (name, organisation) of the
    caller in your contacts, a strong cue for the heard name and company (`tui.extract.contact_cue`).
    """
    tm = TextMap.from_transcript(transcript)
    second = sidecar_transcript
    if not tm.text.strip() and sidecar_transcript:
        tm = TextMap.from_text(sidecar_transcript)  # Google's transcript is all we have
        second = None
    return _with_contact(_extract(tm, caller_number, caller_name, second, region, redecode), contact)


def extract_from_text(text: str | None, *, caller_number: str | None = None,
                      caller_name: str | None = None, sidecar_transcript: str | None = None,
                      region: str = "US", redecode: Redecode | None = None,
                      contact: tuple[str | None, str | None] | None = None) -> Extraction:
    """The same from plain text (no word times: evidence is None, no token probabilities)."""
    return _with_contact(_extract(TextMap.from_text(text), caller_number, caller_name, sidecar_transcript,
                                  region, redecode), contact)


def _with_contact(result: Extraction, contact: tuple[str | None, str | None] | None) -> Extraction:
    if not contact or "contact" in DISABLED:
        return result
    return replace(result, fields=apply_all(result.fields, *contact))


def _caller_e164(caller_number: str | None, region: str) -> str | None:
    if not caller_number:
        return None
    digits = "".join(ch for ch in caller_number if ch.isdigit())
    if caller_number.strip().startswith("+"):
        return _plus(digits)
    return validate(digits, region)


def _plus(digits: str) -> str | None:
    import phonenumbers
    try:
        num = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164) \
        if phonenumbers.is_possible_number(num) else None


def _extract(tm: TextMap, caller_number, caller_name, sidecar, region, redecode) -> Extraction:
    region = (region or "US").upper()
    if "sidecar" in DISABLED:
        sidecar = None
    if "redecode" in DISABLED:
        redecode = None
    if "cnam" in DISABLED:
        caller_name = None
    caller = _caller_e164(caller_number, region)
    text = tm.text
    rs, exts, toks = readings(text, region, caller)
    ctx = _Ctx(tm, toks)
    fields: dict[str, CallbackField] = {k: _empty() for k in CALLBACK_FIELDS}

    number, alt, differs, number_note = _number(ctx, rs, caller, region, sidecar, redecode, text)
    fields["number"] = number
    fields["extension"] = _extension(ctx, exts)

    name_f, name_value = _name(ctx, text, caller_name, sidecar)
    fields["name"] = name_f
    fields["company"] = _company(ctx, text, name_value, caller_name, sidecar)
    fields["ask_for"] = _ask_for(ctx, text, name_f, sidecar, number_given=bool(rs or exts))
    fields["request"] = _request(ctx, text)
    return Extraction(fields, alt, differs, number_note, nocall.find(tm))


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


def _number(ctx: _Ctx, rs: list[Reading], caller, region, sidecar, redecode, text):
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
            if near:
                a, b = near
                chosen = _first_valid(pool, [a, b])
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

    # the caller ID: a second opinion and a fallback
    if value and caller:
        cn, vn = national_digits(caller), national_digits(value)
        if value == caller and "caller_id" not in DISABLED:
            support.append("matches the caller ID")
        elif "one_off" not in DISABLED and cn and vn and len(cn) == len(vn) and sum(a != b for a, b in zip(cn, vn)) == 1 \
                and not any("said twice" in s for s in support):
            note_extra = (f"heard {pretty(value)}, one digit off the caller ID: "
                          f"taken to be the caller ID {pretty(caller)}")
            value = caller
            support = []
            doubt = [note_extra]
            note_extra = None
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
        elif sc_vals and chosen is not None and value == chosen.value:
            if not chosen.heard_valid and sc_vals[0] in chosen.reading.repairs:
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
        if p is not None and p < P_NUMBER and not support:
            doubt.append("whisper was unsure of some digits")

    alt = [a for a in dict.fromkeys(alt) if a and a != value]
    f = _field(value, support, doubt, ev, note_extra)
    differs = None if (value is None or caller is None) else value != caller
    number_note = None
    if differs:
        number_note = f"Caller ID is {pretty(caller)} — they asked you to call {pretty(value)}"
    return f, alt, differs, number_note


def _twice_doubt(ctx: _Ctx, group: list[_R]) -> str | None:
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

def _extension(ctx: _Ctx, exts) -> CallbackField:
    if not exts:
        return _empty()
    values = list(dict.fromkeys(d for d, _, _ in exts))
    digits, first, last = exts[0]
    ev = ctx.tok_span(first, last)
    support, doubt = [], []
    if len(values) > 1:
        doubt.append("extension heard differently: " + " / ".join(values))
    elif len(exts) >= 2 and "twice" not in DISABLED:
        support.append("said twice, both readings agree")
    else:
        p = None if "p" in DISABLED else ctx.tok_p(first, last)
        if p is not None and p >= P_NUMBER:
            support.append("clearly heard")
    return _field(digits, support, doubt, ev)


# --- name, company, ask for, request --------------------------------------------------------

def _name_support(ctx: _Ctx, m: N.Mention, others: list[N.Mention], sidecar_value: str | None,
                  cnam: str | None, *, company: bool = False) -> list[str]:
    support = []
    if N.cnam_supports(m.value, cnam, company=company):
        support.append("matches the caller ID name")
    if "twice" not in DISABLED and any(o.start != m.start and _covers(o.value, m.value) for o in others):
        support.append("said twice")
    if sidecar_value and _covers(sidecar_value, m.value) and _covers(m.value, sidecar_value):
        support.append("Google's transcript agrees")
    if P_NAME is not None:
        p = ctx.tm.min_p(m.start, m.end)
        if p is not None and p >= P_NAME:
            support.append("clearly heard")
    return support


def _covers(other: str, value: str) -> bool:
    """Every word of `value` is matched closely (>= 0.8) by a word of `other`."""
    wo, wv = other.lower().split(), value.lower().split()
    return bool(wo and wv) and all(any(N.similarity(x, y) >= 0.8 for y in wo) for x in wv)


def _close(a: str, b: str) -> bool:
    """Every word of the shorter matches a word of the longer closely (>= 0.8)."""
    wa, wb = a.lower().split(), b.lower().split()
    if not wa or not wb:
        return False
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return all(any(N.similarity(x, y) >= 0.8 for y in long_) for x in short)


def _name(ctx: _Ctx, text: str, cnam: str | None, sidecar: str | None):
    best, mentions, spell = N.find_name(text)
    sc_best = N.find_name(sidecar)[0] if sidecar else None
    if best is None and spell is None:
        return _empty(), None
    doubt: list[str] = []
    note = None
    if best is not None:
        support = _name_support(ctx, best, mentions, sc_best.value if sc_best else None, cnam)
        value = best.value
        ev = ctx.tm.span(best.start, best.end)
    else:
        support, value, ev = [], None, None
    if spell is not None:
        new_value, used = N.apply_spelling(value, spell)
        if used and new_value != value:
            heard = value
            value = new_value
            note = f"spelled out {'-'.join(spell.value.upper())}" + (f" (heard as {heard})" if heard else "")
            support = ["matches the caller ID name"] if N.cnam_supports(value, cnam) else []
            if ev is None:
                ev = ctx.tm.span(spell.start, spell.end)
        elif used:
            support.append("spelled out the same")
    if value:
        fixed = N.cnam_correction(value, cnam)
        if fixed and fixed != value:
            if N.cnam_supports(fixed, cnam) and N.cnam_supports(value, cnam):
                note = (note + "; " if note else "") + f"heard as {value}, spelled as in the caller ID name"
            else:
                doubt.append(f"heard as {value}; the caller ID name suggests {fixed}")
            value = fixed
    return _field(value, support, doubt, ev, note), value


def _company(ctx: _Ctx, text: str, name: str | None, cnam: str | None, sidecar: str | None) -> CallbackField:
    best, mentions = N.best_company(text, name)
    if best is None:
        return _empty()
    sc_best = N.best_company(sidecar, name)[0] if sidecar else None
    value = best.value
    doubt: list[str] = []
    fixed = N.cnam_correction(value, cnam)
    if fixed and N.cnam_supports(fixed, cnam, company=True):
        doubt.append(f"heard as {value}; spelled as in the caller ID name")
        best = N.Mention(fixed, best.start, best.end, best.cue, best.strength)
        value = fixed
        doubt = []  # the caller ID name spells it; the heard words fit it
    support = _name_support(ctx, best, [m for m in mentions if m.strength >= 0.75],
                            sc_best.value if sc_best else None, cnam, company=True)
    return _field(value, support, doubt, ctx.tm.span(best.start, best.end))


def _ask_for(ctx: _Ctx, text: str, name_f: CallbackField, sidecar: str | None,
             number_given: bool = False) -> CallbackField:
    explicit = N.find_ask_for(text)
    explicit = [m for m in explicit if not (name_f.value and _close(m.value, name_f.value))] or explicit
    if explicit:
        m = explicit[0]
        if name_f.value and _close(m.value, name_f.value):
            # "ask for Rachel": the caller themself; the fuller name wins
            return CallbackField(name_f.value, Provenance.EXTRACTED, name_f.confidence, name_f.evidence, None)
        sc = N.find_ask_for(sidecar) if sidecar else []
        support = _name_support(ctx, m, explicit, sc[0].value if sc else None, None)
        return _field(m.value, support, [], ctx.tm.span(m.start, m.end))
    if name_f.value and (N.asks_for_callback(text) or number_given):
        if N.mentions_someone_else(text):
            return CallbackField(name_f.value, Provenance.EXTRACTED, "low", name_f.evidence,
                                 "they mention asking for someone else, but the name was not clear")
        return CallbackField(name_f.value, Provenance.EXTRACTED, name_f.confidence, name_f.evidence,
                             "the caller (they asked to be called back)")
    return _empty()


def _request(ctx: _Ctx, text: str) -> CallbackField:
    m = N.find_request(text)
    if m is None:
        return _empty()
    p = ctx.tm.min_p(m.start, m.end)
    support = ["clearly heard"] if (p is not None and p >= P_REQUEST and m.strength >= 2) else []
    f = _field(m.value, support, [], ctx.tm.span(m.start, m.end))
    if f.confidence == "low":
        f = CallbackField(f.value, f.provenance, f.confidence, f.evidence, "a summary: replay to be sure")
    return f
