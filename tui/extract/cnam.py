"""The caller ID name (CNAM, at most 15 capitals: "KOWALSKI S", "ELMSTEAD RECRUI") as a second
reading of the heard name or company: does it back a heard value, which heard words does it
spell better, and where in the message was the company it names said."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from tui.extract.names import _CONNECT, Mention, similarity


def _token_covers(word: str, tok: str, last: bool) -> bool:
    """A caller ID name token backs a heard word: close match, or an abbreviation/truncation."""
    w, t = word.upper().strip(".,'’"), tok.upper()
    if not w or not t:
        return False
    if len(t) >= 3 and SequenceMatcher(None, w, t).ratio() >= 0.85:
        return True
    if last and len(t) >= 3 and w.startswith(t):  # CNAM cut at 15 characters
        return True
    if 2 <= len(t) <= 3 and t[0] == w[0] and _subsequence(t, w):  # "SW" for Software
        return True
    return False


def _subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)


def cnam_supports(value: str | None, cnam: str | None, *, company: bool = False) -> bool:
    """Does the caller ID name (e.g. "KOWALSKI S", "ELMSTEAD RECRUI") back up `value`?

    Every heard word must be backed by a caller ID name token (a one-letter token backs a
    first name by its initial), and nothing in the caller ID name may contradict the value.
    """
    if not value or not cnam:
        return False
    cn = [t for t in re.split(r"[\s,]+", cnam.upper()) if t]
    vw = [t for t in value.split() if t.lower() not in _CONNECT]
    if not cn or not vw:
        return False
    truncated = len(cnam.strip()) >= 14
    if company:
        # a 15-character CNAM ending in a space was cut before a further word
        more = len(cnam) >= 15 and cnam.endswith(" ")
        if more or len(vw) != len(cn):
            return False
        for i, (w, t) in enumerate(zip(vw, cn)):
            last_cut = truncated and i == len(cn) - 1
            if last_cut:
                # cut short ("RECRUI": 3 letters or more), or abbreviated to fit ("SW" for
                # Software, not a prefix); a 2-letter cut ("RE") backs nothing
                wu = w.upper().strip(".,'’")
                cut = len(t) >= 3 and wu.startswith(t)
                abbreviated = 2 <= len(t) <= 3 and not wu.startswith(t) and t[0] == wu[:1] and _subsequence(t, wu)
                if not (cut or abbreviated or similarity(w, t) >= 0.85):
                    return False
            elif not _token_covers(w, t, False):
                return False
        return True
    initials = [t for t in cn if len(t) == 1]
    full = [t for t in cn if len(t) >= 2]
    for w in vw:
        if any(_token_covers(w, t, False) for t in full):
            continue
        if any(w[:1].upper() == t for t in initials):
            continue
        return False
    # a first-name initial in the caller ID must fit one of the words
    if initials and not any(w[:1].upper() in initials for w in vw):
        return False
    # an initial alone backs nothing: at least one word must match in full
    return any(_token_covers(w, t, False) for w in vw for t in full)


def cnam_correction(value: str | None, cnam: str | None) -> str | None:
    """Heard words replaced by close caller ID name words ("Pemperton" -> "Pemberton")."""
    if not value or not cnam:
        return None
    tokens = [t for t in re.split(r"[\s,]+", cnam) if t]
    if len(cnam.strip()) >= 14 and tokens:
        tokens = tokens[:-1]  # the last token may be cut short
    cn = [t for t in tokens if len(t) >= 4 and t.isalpha()]
    words = value.split()
    changed = False
    # A word heard as two ("Grand The Peak" for GRANITE PEAK): merge the pair when together they
    # are close to a caller ID word, closer than either alone.
    for c in cn:
        best, at = 0.0, -1
        for i in range(len(words) - 1):
            joined = words[i] + words[i + 1]
            sim = similarity(joined, c)
            alone = max(similarity(words[i], c), similarity(words[i + 1], c))
            if sim >= 0.8 and sim > alone and sim > best and joined[:1].lower() == c[:1].lower():
                best, at = sim, i
        if at >= 0:
            words[at:at + 2] = [c.capitalize()]
            changed = True
    for i, w in enumerate(words):
        for c in cn:
            sim = similarity(w, c)
            if 0.6 <= sim < 1.0 and w[:1].lower() == c[:1].lower() and w.lower() != c.lower():
                words[i] = c.capitalize()
                changed = True
    # words run together or split apart: "Elm Stead" for ELMSTEAD
    for c in cn:
        for i in range(len(words) - 1):
            if (words[i] + words[i + 1]).lower() == c.lower():
                words[i:i + 2] = [c.capitalize()]
                changed = True
                break
    return " ".join(words) if changed else None


# Caller ID names that name no company: carriers' placeholders, or a place ("SEATTLE WA").
_NO_COMPANY = {"WIRELESS", "CALLER", "UNKNOWN", "NAME", "PRIVATE", "TOLL", "FREE", "CELL", "PHONE",
               "MOBILE", "UNAVAILABLE", "ANONYMOUS", "RESTRICTED", "BLOCKED", "V"}
_STATES = set("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
              "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC".split())


def company_said(text: str, cnam: str | None, name: str | None) -> Mention | None:
    """Where the company the caller ID name spells was said, when no phrase introduced it
    ("Caspar Voigt, V-O-I-G-T, Quilfer the Press, about ..." with QUILLFEATHER PR): the heard
    words, spelled as the caller ID name has them. None when the caller ID name is the caller's
    own name, a carrier's placeholder or a place."""
    if not cnam or (name and cnam_supports(name, cnam)):
        return None
    cn = [t for t in re.split(r"[\s,]+", cnam.upper()) if t]
    if len(cn) < 2 or any(t in _NO_COMPANY for t in cn) or cn[-1] in _STATES or not cn[0].isalpha() \
            or len(cn[0]) < 4:
        return None
    cut = len(cnam.strip()) >= 14
    words = list(re.finditer(r"[A-Za-z][\w'’&\-]*", text))
    for i in range(len(words)):
        for n in range(len(cn), len(cn) + 2):
            window = words[i:i + n]
            if len(window) < n:
                break
            value = " ".join(w.group() for w in window)
            fixed = (cnam_correction(value, cnam) or value).split()
            if len(fixed) != len(cn) or fixed[0].upper() != cn[0]:
                continue
            last_ok = all(_token_covers(w, t, False) for w, t in zip(fixed[1:-1], cn[1:-1])) and (
                _token_covers(fixed[-1], cn[-1], False) or (cut and fixed[-1].upper().startswith(cn[-1])))
            if last_ok:
                return Mention(" ".join(w[:1].upper() + w[1:] for w in fixed), window[0].start(),
                               window[-1].end(), "caller ID name", 0.75)
    return None
