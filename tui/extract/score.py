"""A score per extracted field: how likely the value is right, from the signals behind it.

The signals (tui/extract/core.py collects them):
- whisper's token probabilities over the field's span (the prior: how clearly it was heard);
- agreement with an independent reading: the caller ID, the caller ID name, the number or name
  said twice alike, Google's transcript, a spelled-out name, a re-read of the span with beam
  search, "call me back at this number";
- doubts: readings that disagree, a number repaired from an invalid one, a role that hints at
  someone else. Any doubt caps the score below every threshold: a doubtful field is never sure.

score = 1 - (1 - prior) x product(1 - strength of each agreeing signal), capped by doubts.
A field is sure ("high") when its score reaches its threshold. The strengths and thresholds
were chosen on the dev sets (the sample corpus, the robotic held-out set and the natural-voice
set, `python -m bench.extract_eval`) so that sure values are right at least 97 % of the time
and a robotic-voice number is never sure and wrong; BENCHMARKS.md has the reliability table.
"""

from __future__ import annotations

# How much an agreeing signal is worth: the chance it would not be there were the value wrong.
STRENGTH = {
    "caller_id": 0.97,     # the number is the caller ID
    "this_number": 0.95,   # "call me back at this number" (the caller ID)
    "cnam": 0.90,          # the caller ID name spells the heard name/company
    "twice": 0.85,         # said twice, both readings alike
    "sidecar": 0.85,       # Google's transcript has the same
    "spelled": 0.85,       # spelled out letter by letter, and it fits the heard word
    "reread": 0.80,        # a re-read of the span (beam search, digits prompt) agrees
    "area": 0.65,
    "one_off": 0.75,       # the caller ID but for one digit where whisper usually slips          # a whole valid number in the caller ID's own area code (plausible)
    "clear": 0.0,          # "clearly heard": already in the prior (token probabilities)
}
# Your contact spelling the heard words the same (a strong cue: contact_cue.py makes it sure).
CONTACT = 0.95
# Prior without token probabilities (plain text, Google's transcript alone).
PRIOR_TEXT = 0.5
DOUBT_CAP = 0.45

# Sure at or above (per field). Chosen on the dev sets: see the module docstring.
THRESHOLD = {
    "number": 0.84,
    "extension": 0.82,
    "name": 0.91,
    "company": 0.94,
    "ask_for": 0.92,
    "request": 0.60,
}


def prior(p: float | None) -> float:
    """From the lowest token probability over the span: 0.30 (p = 0) .. 0.95 (p = 1)."""
    if p is None:
        return PRIOR_TEXT
    return 0.30 + 0.65 * max(0.0, min(1.0, p))


def kind_of(support: str) -> str:
    """The signal behind a support note written by core.py."""
    s = support.lower()
    if "area code" in s:
        return "area"
    if "one misheard digit" in s:
        return "one_off"
    if "this number" in s:
        return "this_number"
    if "caller id name" in s:
        return "cnam"
    if "caller id" in s:
        return "caller_id"
    if "google" in s:
        return "sidecar"
    if "spelled" in s:
        return "spelled"
    if "twice" in s:
        return "twice"
    if "re-read" in s:
        return "reread"
    return "clear"


def combine(p: float | None, support: list[str], doubt: list[str]) -> float:
    miss = 1.0 - prior(p)
    for kind in dict.fromkeys(kind_of(s) for s in support):  # one signal counts once
        miss *= 1.0 - STRENGTH[kind]
    score = 1.0 - miss
    if doubt:
        score = min(score, DOUBT_CAP) * 0.8 ** (len(doubt) - 1)
    return round(score, 3)


def with_contact(score: float | None) -> float:
    """The score once your contact spells the heard name or company the same (contact_cue.py)."""
    base = PRIOR_TEXT if score is None else score
    return round(max(base, 1.0 - (1.0 - base) * (1.0 - CONTACT)), 3)


def confidence(field: str, score: float) -> str:
    return "high" if score >= THRESHOLD.get(field, 0.9) else "low"
