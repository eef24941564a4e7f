"""Your contact as a strong cue for the heard name and company (issue #13).

A caller whose number is in your contacts ([contacts] paths) names themselves with the contact's
words: a name heard as "Dana Whitfeld" (or just "Dana") and the contact "Dana Whitfield" agree, so
the field takes the contact's spelling and counts as confirmed ("matches your contact"). A heard name that is not
close to the contact's (someone else calling from that number) is left as heard; nothing is filled
in from the contact alone (the pane shows the contact on its own line).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import permutations

from tui.extract import score
from tui.extract.names import similarity
from tui.library.models import CallbackField

ANCHOR = 0.85  # one heard word at least this close to a contact word: the caller names the contact
REST = 0.6  # every other heard word at least this close to another contact word


def respell(value: str, reference: str) -> str | None:
    """The contact's `reference` (its full spelling) when the heard `value` names it, else None.

    Agreement: one heard word matches a contact word closely (>= ANCHOR), and every other heard
    word is like a different contact word (>= REST): "Hugo Prenman" names "Hugo Brennan", "Victor"
    names "Victor Almeida"; "Dana Smith" does not name "Dana Whitfield"."""
    heard = [w.strip(",.").lower() for w in value.split() if w.strip(",.")]
    ref = [w.strip(",.") for w in reference.split() if w.strip(",.")]
    if not heard or not ref or len(heard) > len(ref):
        return None
    scores = [[similarity(h, r.lower()) for r in ref] for h in heard]
    best = _best_assignment(scores)
    if best is None:
        return None
    chosen = [scores[i][j] for i, j in enumerate(best)]
    if max(chosen) < ANCHOR or min(chosen) < REST:
        return None
    return " ".join(ref)


def _best_assignment(scores: list[list[float]]) -> tuple[int, ...] | None:
    """Distinct contact words for the heard words, the best total (names are a few words: brute force)."""
    width = len(scores[0])
    best, total = None, -1.0
    for choice in permutations(range(width), len(scores)):
        value = sum(scores[i][j] for i, j in enumerate(choice))
        if value > total:
            best, total = choice, value
    return best


UNCONFIRMED = "heard once, nothing to confirm it"
UNCLEAR = "not clearly heard"  # backed by something, but below the field's threshold (score.py)


def apply(field: CallbackField, reference: str | None, *, confirm: bool = True) -> CallbackField:
    """The extracted `field` checked against the contact's `reference` text (name or organisation).

    Agreeing with the contact confirms a field whose only weakness was being heard once; a field
    with a real doubt (an unclear "ask for someone else") keeps it, and `confirm=False` never
    raises the confidence (ask-for: the contact says who called, not whom to ask for)."""
    if not reference or not field.value:
        return field
    fixed = respell(field.value, reference)
    if fixed is None:
        return field
    if confirm and (field.confidence == "high" or field.note in (None, UNCONFIRMED, UNCLEAR)):
        note = "matches your contact" if fixed == field.value else f"heard as {field.value}, spelled as in your contact"
        return replace(field, value=fixed, confidence="high", note=note, score=score.with_contact(field.score))
    if fixed == field.value:
        return field
    extra = f"heard as {field.value}, spelled as in your contact"
    return replace(field, value=fixed, note=f"{field.note}; {extra}" if field.note else extra)


def apply_all(fields: dict[str, CallbackField], name: str | None, organization: str | None) -> dict[str, CallbackField]:
    out = dict(fields)
    if "name" in out:
        out["name"] = apply(out["name"], name)
    if "company" in out:
        out["company"] = apply(out["company"], organization)
    if "ask_for" in out:
        out["ask_for"] = apply(out["ask_for"], name, confirm=False)
    return out
