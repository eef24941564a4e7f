"""Your contact as a strong cue for the heard name and company (issue #13).

A caller whose number is in your contacts ([contacts] paths) names themselves with the contact's
words: a name heard as "Dana Whitfeld" and the contact "Dana Whitfield" agree, so the field takes
the contact's spelling and counts as confirmed ("matches your contact"). A heard name that is not
close to the contact's (someone else calling from that number) is left as heard; nothing is filled
in from the contact alone (the pane shows the contact on its own line).
"""

from __future__ import annotations

from dataclasses import replace

from tui.extract.names import similarity
from tui.library.models import CallbackField

CLOSE = 0.75  # a heard word and a contact word this similar (same initial) are the same word


def respell(value: str, reference: str) -> str | None:
    """`value` with each word replaced by the close word of `reference`; None when they do not agree
    (a heard word without a close reference word)."""
    ref = [w.strip(",.") for w in reference.split() if w.strip(",.")]
    out = []
    for word in value.split():
        best, score = None, 0.0
        for candidate in ref:
            s = similarity(word.lower(), candidate.lower())
            if s > score and word[:1].lower() == candidate[:1].lower():
                best, score = candidate, s
        if best is None or score < CLOSE:
            return None
        out.append(best)
    return " ".join(out)


def apply(field: CallbackField, reference: str | None) -> CallbackField:
    """The extracted `field` checked against the contact's `reference` text (name or organisation)."""
    if not reference or not field.value:
        return field
    fixed = respell(field.value, reference)
    if fixed is None:
        return field
    note = "matches your contact"
    if fixed != field.value:
        note = f"heard as {field.value}, spelled as in your contact"
    return replace(field, value=fixed, confidence="high", note=note)


def apply_all(fields: dict[str, CallbackField], name: str | None, organization: str | None) -> dict[str, CallbackField]:
    out = dict(fields)
    if "name" in out:
        out["name"] = apply(out["name"], name)
    if "company" in out:
        out["company"] = apply(out["company"], organization)
    if "ask_for" in out and out["ask_for"].value and name:
        out["ask_for"] = apply(out["ask_for"], name)
    return out
