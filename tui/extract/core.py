"""extract(): transcript + caller ID -> callback fields, each with a score, confidence and evidence.

Each field's score (tui/extract/score.py) comes from how clearly whisper heard it and what
agrees with it (said twice alike, the caller ID or its name, Google's transcript, a spelling, a
re-read of the audio, plausibility); a doubt keeps it low. "high" (sure) = the score reaches the
field's threshold; everything else is "low", with a note saying why, so the pane can offer to
replay the span. The number and extension: tui/extract/number_field.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tui.extract import cnam as C
from tui.extract import names as N
from tui.extract import nocall, score
from tui.extract.contact_cue import apply_all
# CUES, DISABLED, P_NAME and P_NUMBER are re-exported (bench/extract_eval.py, tui.extract)
from tui.extract.fieldkit import (CUES, DISABLED, P_NAME, P_NUMBER, P_ONE_WORD_NAME,  # noqa: F401
                                  P_REQUEST, Ctx, Redecode, empty, make_field)
from tui.extract.number_field import extension_field, number_field
from tui.extract.phone import readings, validate
from tui.extract.textmap import TextMap
from tui.library.models import CALLBACK_FIELDS, CallbackField, Provenance, Transcript


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


def extract(transcript: Transcript | None, *, caller_number: str | None = None,
            caller_name: str | None = None, sidecar_transcript: str | None = None,
            region: str = "US", redecode: Redecode | None = None,
            contact: tuple[str | None, str | None] | None = None,
            addressee: frozenset[str] = frozenset()) -> Extraction:
    """Callback details from a whisper transcript (word times, token probabilities) + metadata.

    `redecode(start_s, end_s) -> str | None`, when given, re-transcribes just that span (e.g.
    with a digits prompt or beam search); it is asked about a number whose first reading is
    invalid, and to confirm a valid number heard only once. `contact`: (name, organisation) of the
    caller in your contacts, a strong cue for the heard name and company (`tui.extract.contact_cue`).
    `addressee`: the names your messages greet you by (`names.learn_addressee`), never taken for
    the caller's.
    """
    tm = TextMap.from_transcript(transcript)
    second = sidecar_transcript
    if not tm.text.strip() and sidecar_transcript:
        tm = TextMap.from_text(sidecar_transcript)  # Google's transcript is all we have
        second = None
    return _with_contact(_extract(tm, caller_number, caller_name, second, region, redecode, addressee),
                         contact)


def extract_from_text(text: str | None, *, caller_number: str | None = None,
                      caller_name: str | None = None, sidecar_transcript: str | None = None,
                      region: str = "US", redecode: Redecode | None = None,
                      contact: tuple[str | None, str | None] | None = None,
                      addressee: frozenset[str] = frozenset()) -> Extraction:
    """The same from plain text (no word times: evidence is None, no token probabilities)."""
    return _with_contact(_extract(TextMap.from_text(text), caller_number, caller_name, sidecar_transcript,
                                  region, redecode, addressee), contact)


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


def _extract(tm: TextMap, caller_number, caller_name, sidecar, region, redecode,
             addressee: frozenset[str] = frozenset()) -> Extraction:
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
    ctx = Ctx(tm, toks)
    fields: dict[str, CallbackField] = {k: empty() for k in CALLBACK_FIELDS}

    number, alt, differs, number_note = number_field(ctx, rs, caller, region, sidecar, redecode, text)
    fields["number"] = number
    fields["extension"] = extension_field(ctx, exts)

    name_f, name_value = _name(ctx, text, caller_name, sidecar, addressee)
    fields["name"] = name_f
    fields["company"] = _company(ctx, text, name_value, caller_name, sidecar)
    no_call = nocall.find(tm)
    fields["ask_for"] = _ask_for(ctx, text, name_f, sidecar, number_given=bool(rs or exts),
                                 no_call=bool(no_call and no_call.value))
    fields["request"] = _request(ctx, text)
    return Extraction(fields, alt, differs, number_note, no_call)


# --- name, company, ask for, request --------------------------------------------------------

def _name_support(ctx: Ctx, m: N.Mention, others: list[N.Mention], sidecar_value: str | None,
                  cnam: str | None, *, company: bool = False) -> list[str]:
    support = []
    if C.cnam_supports(m.value, cnam, company=company):
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


def _name(ctx: Ctx, text: str, cnam: str | None, sidecar: str | None, addressee: frozenset[str]):
    best, mentions, spell = N.find_name(text, addressee)
    sc_best = N.find_name(sidecar, addressee)[0] if sidecar else None
    if best is None and spell is None:
        return empty(), None
    doubt: list[str] = []
    note = None
    if best is not None:
        support = _name_support(ctx, best, mentions, sc_best.value if sc_best else None, cnam)
        value = best.value
        ev = ctx.tm.span(best.start, best.end)
    else:
        support, value, ev = [], None, None
    if spell is not None:
        adjacent = best is not None and 0 <= spell.start - best.end <= 24
        new_value, used = N.apply_spelling(value, spell, adjacent=adjacent)
        if used and new_value != value:
            heard = value
            value = new_value
            note = f"spelled out {'-'.join(spell.value.upper())}" + (f" (heard as {heard})" if heard else "")
            support = ["matches the caller ID name"] if C.cnam_supports(value, cnam) else []
            if heard and len(heard.split()) == 1 and N.spelling_fits(heard, spell):
                # it confirms the spelled word only: a surname beside it stays unconfirmed
                # (tiny.en: "Niamh Calagon" for Niamh Callaghan)
                support.append("spelled out, close to what was heard")
            if ev is None:
                ev = ctx.tm.span(spell.start, spell.end)
        elif used:
            support.append("spelled out the same")
    if value:
        fixed = C.cnam_correction(value, cnam)
        if fixed and fixed != value:
            if C.cnam_supports(fixed, cnam) and C.cnam_supports(value, cnam):
                note = (note + "; " if note else "") + f"heard as {value}, spelled as in the caller ID name"
            else:
                doubt.append(f"heard as {value}; the caller ID name suggests {fixed}")
            value = fixed
    p = _span_p(ctx, best) if best is not None else None
    if p is not None and value and len(value.split()) < 2:
        # a first name alone is often a full name with the surname lost ("Victor" for Victor
        # Almeida, measured): clear tokens are not enough to be sure of it
        p = min(p, P_ONE_WORD_NAME)
    return make_field(value, support, doubt, ev, note, kind="name", p=p), value


def _company(ctx: Ctx, text: str, name: str | None, cnam: str | None, sidecar: str | None) -> CallbackField:
    best, mentions = N.best_company(text, name)
    if best is None:
        # no phrase introduced it, but the caller ID name spells a company that was said
        best = C.company_said(text, cnam, name)
        if best is None:
            return empty()
        mentions = [best]
    sc_best = N.best_company(sidecar, name)[0] if sidecar else None
    value = best.value
    doubt: list[str] = []
    fixed = C.cnam_correction(value, cnam)
    if fixed and C.cnam_supports(fixed, cnam, company=True):
        doubt.append(f"heard as {value}; spelled as in the caller ID name")
        best = N.Mention(fixed, best.start, best.end, best.cue, best.strength)
        value = fixed
        doubt = []  # the caller ID name spells it; the heard words fit it
    support = _name_support(ctx, best, [m for m in mentions if m.strength >= 0.75],
                            sc_best.value if sc_best else None, cnam, company=True)
    return make_field(value, support, doubt, ctx.tm.span(best.start, best.end), kind="company",
                  p=_span_p(ctx, best))


def _span_p(ctx: Ctx, m: N.Mention) -> float | None:
    return None if "p" in DISABLED else ctx.tm.min_p(m.start, m.end)


def _ask_for(ctx: Ctx, text: str, name_f: CallbackField, sidecar: str | None,
             number_given: bool = False, no_call: bool = False) -> CallbackField:
    explicit = N.find_ask_for(text)
    explicit = [m for m in explicit if not (name_f.value and _close(m.value, name_f.value))] or explicit
    if explicit:
        m = explicit[0]
        if name_f.value and _close(m.value, name_f.value):
            # "ask for Rachel": the caller themself; the fuller name wins
            return CallbackField(name_f.value, Provenance.EXTRACTED, name_f.confidence, name_f.evidence, None,
                                 name_f.score)
        sc = N.find_ask_for(sidecar) if sidecar else []
        support = _name_support(ctx, m, explicit, sc[0].value if sc else None, None)
        return make_field(m.value, support, [], ctx.tm.span(m.start, m.end), kind="ask_for", p=_span_p(ctx, m))
    if no_call and not number_given:
        return empty()  # "no need to call back": nobody to ask for
    if name_f.value and (N.asks_for_callback(text) or number_given):
        if N.mentions_someone_else(text):
            return CallbackField(name_f.value, Provenance.EXTRACTED, "low", name_f.evidence,
                                 "they mention asking for someone else, but the name was not clear",
                                 min(name_f.score or 0.0, score.DOUBT_CAP))
        return CallbackField(name_f.value, Provenance.EXTRACTED, name_f.confidence, name_f.evidence,
                             "the caller (they asked to be called back)", name_f.score)
    return empty()


def _request(ctx: Ctx, text: str) -> CallbackField:
    m = N.find_request(text)
    if m is None:
        return empty()
    p = ctx.tm.min_p(m.start, m.end)
    clear = p is not None and p >= P_REQUEST and m.strength >= 2
    f = make_field(m.value, [], [], ctx.tm.span(m.start, m.end), kind="request", p=p if clear else 0.0)
    if f.confidence == "low":
        f = CallbackField(f.value, f.provenance, f.confidence, f.evidence, "a summary: replay to be sure", f.score)
    return f
