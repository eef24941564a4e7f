"""Caller name, company, whom to ask for, and the request, from transcript text.

Pattern rules over the text as whisper writes it (names capitalised). Each finder returns
`Mention`s with character spans so the caller can look up evidence times and probabilities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

# A capitalised name word: "Rachel", "O'Brien", "McAllister", "Jean-Luc", "Dunmore-Smith".
_CAP = r"(?:[A-Z][a-zA-Z'’]*(?:-[A-Z]?[a-zA-Z'’]+)*)"
_NAME = rf"(?P<name>{_CAP}(?:\s+{_CAP}){{0,2}})"
_TITLES = {"dr", "mr", "mrs", "ms", "miss", "doctor", "professor"}
_NOT_NAMES = {
    "i", "i'm", "im", "hi", "hey", "hello", "good", "just", "calling", "your", "the", "a", "an",
    "about", "regarding", "me", "again", "sorry", "so", "yes", "no", "okay", "ok", "thanks",
    "thank", "please", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "today", "tomorrow", "tonight", "morning", "afternoon", "evening", "this", "that",
    "it", "we", "our", "my", "you", "he", "she", "they", "there", "here", "what", "when", "as",
    "and", "or", "but", "if", "in", "on", "at", "from", "with", "for", "to", "of", "by", "not",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "extension", "ext", "area", "code", "call", "give",
    "let", "looking", "following", "reaching", "also", "actually", "um", "uh", "oh", "well",
    "all", "re", "regards", "bye", "goodbye", "great", "nice", "sure", "one", "two", "three",
    "four", "five", "six", "seven", "eight", "nine", "zero", "double", "triple",
}
COMPANY_WORDS = {
    "inc", "llc", "ltd", "corp", "corporation", "company", "co", "group", "staffing",
    "recruiting", "recruitment", "partners", "solutions", "software", "systems", "analytics",
    "bank", "pharmacy", "dental", "clinic", "hospital", "insurance", "realty", "services",
    "associates", "labs", "technologies", "technology", "tech", "consulting", "agency", "health",
    "medical", "motors", "logistics", "university", "college", "school", "financial", "credit",
    "union", "capital", "ventures", "industries", "construction", "builders", "electric",
    "plumbing", "roofing", "law", "legal", "office", "studio", "studios", "media", "marketing",
    "networks", "energy", "foods", "market", "markets", "bakery", "auto", "repair", "design",
    "designs", "management", "properties", "holdings", "global", "international", "works",
    "center", "centre", "care", "vet", "veterinary", "hr", "talent", "search", "careers",
}
_CONNECT = {"of", "and", "&", "the", "for", "de", "la", "on"}


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.lower(), b.lower()).ratio()


@dataclass(frozen=True, slots=True)
class Mention:
    value: str
    start: int  # char span in the text
    end: int
    cue: str = ""
    strength: float = 1.0


def _clean_name(words: list[str]) -> list[str]:
    out = []
    for w in words:
        bare = w.strip("'’").rstrip(".,")
        if bare.endswith(("'s", "’s")):
            bare = bare[:-2]
            out.append(bare)
            break
        out.append(bare)
    while out and out[0].lower().rstrip(".") in _TITLES:
        out = out[1:]
    # stray capitals ("GR", "BY") are letters being spelled, not name words
    out = [w for w in out if not (w.isupper() and len(w) <= 2)] if len(out) > 1 else out
    while out and out[-1].lower() in _NOT_NAMES:
        out = out[:-1]
    if out and out[0].lower() in _NOT_NAMES:
        return []
    return out


_GREET = r"(?:(?:[Hh]i|[Hh]ey|[Hh]ello|[Gg]ood (?:morning|afternoon|evening))\s*,?\s+)?(?:[A-Z][a-z]+[,.]\s+)?"
_TERSE = (rf"(?:^|[.!?]\s+){_GREET}(?P<name>{_CAP}\s+{_CAP}(?:\s+{_CAP})?),\s+"
          rf"(?={_CAP}(?:\s+(?:of|and|&)?\s*{_CAP}){{0,3}}\s*[.,])")


def _name_mentions(text: str) -> list[Mention]:
    pats = [
        (rf"\b(?:[Tt]his is|[Mm]y name is|[Mm]y name's|[Ii]t's|[Ii]t is|[Ii]'m|[Ii] am|[Nn]ame is)\s+(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?{_NAME}", "this is", 1.0),
        (rf"(?:^|[.!?,;]\s+|\b(?:[Hh]i|[Hh]ey|[Hh]ello)\s+(?:\w+\s*,\s+)?){_NAME}\s+here\b", "here", 0.9),
        (rf"(?:^|[.!?,;]\s+){_NAME},?\s+(?:calling|from|with|over at)\b", "calling", 0.7),
        # a terse introduction, no "this is": "Sam, Kofi Mensah, Ashgrove Labs." / "Hi, Desmond
        # Clarke, Northgate Insurance, about ..." (two or three name words, then a company)
        (_TERSE, "terse", 0.6),
        # "Hey Sam Mike, give me a shout": a name after the greeting, kept only when its first
        # word is the name you are greeted by (the rest is then the caller's)
        (rf"(?:^|[.!?]\s+)(?:[Hh]i|[Hh]ey|[Hh]ello)\s*,?\s+(?P<name>{_CAP}\s+{_CAP}(?:\s+{_CAP})?)\s*[,.]",
         "greeting", 0.5),
    ]
    out: list[Mention] = []
    for pat, cue, strength in pats:
        for m in re.finditer(pat, text):
            raw = m.group("name")
            words = _clean_name(raw.split())
            if not words:
                continue
            # "It's Monday" / "I'm Sam's recruiter": skip possessives and weekday-like words
            if text[m.end("name"):m.end("name") + 2] in ("'s", "’s"):
                continue
            # "This is Frank, Delacroix." : a surname after a comma, closing the phrase
            if len(words) == 1:
                tail = re.match(rf",\s+({_CAP})(?=\s*(?:[.,;!?]|$|\s+(?:from|with|at|calling|here)\b))",
                                text[m.end("name"):])
                if tail and tail.group(1).lower() not in _NOT_NAMES and \
                        tail.group(1).lower() not in COMPANY_WORDS and len(tail.group(1)) >= 3:
                    words.append(tail.group(1))
            value = " ".join(words)
            start = m.start("name")
            end = start + len(value) if len(words) == len(_clean_name(raw.split())) else \
                m.end("name") + text[m.end("name"):].find(words[-1]) + len(words[-1])
            out.append(Mention(value, start, end, cue, strength))
    return out


# one spelled letter, or two run together in capitals ("GR, CY, V, O, W, S, K, I" for G, R, Z, Y, ...)
_LETTERS = r"(?:[A-Z]{2}|[A-Za-z])"
_SPELLING = re.compile(rf"(?<![\w'’]){_LETTERS}(?:(?:\s*[-.,]\s*|\s+){_LETTERS}\b){{3,}}\.?")


def spelled_out(text: str) -> list[Mention]:
    """Letter-by-letter spellings: "K-O-W-A-L-S-K-I", "K. O. W. A.", "k o w a l", "V, O, I, G, T"."""
    out = []
    for m in _SPELLING.finditer(text):
        letters = re.findall(r"[A-Za-z]", m.group())
        # "I" or "a" runs of words are not spellings: require mostly capitals or hyphens
        if "-" not in m.group() and "." not in m.group() and not m.group().isupper():
            continue
        if len(set(letters)) < 3:
            continue  # "I, I, I" is a stammer
        word = "".join(letters).capitalize()
        # letters in pairs only correct a heard name: alone, "IT, HR, PR, QA" would be one
        paired = any(len(chunk) == 2 for chunk in re.findall(r"[A-Za-z]+", m.group()))
        out.append(Mention(word, m.start(), m.end(), "spelled in pairs" if paired else "spelled", 1.0))
    return out


def looks_like_company(value: str) -> bool:
    return any(w.lower().strip(".,") in COMPANY_WORDS for w in value.split()[1:]) or \
        value.split()[-1].lower().strip(".,") in COMPANY_WORDS


def find_name(text: str, addressee: frozenset[str] = frozenset()
              ) -> tuple[Mention | None, list[Mention], Mention | None]:
    """(best name mention, all mentions, spelled-out mention) from `text`. `addressee`: the
    names (lower case) the messages greet you by, never the first word of the caller's name."""
    mentions = [_without_addressee(m, addressee) for m in _name_mentions(text)]
    mentions = [m for m in mentions if m is not None and not looks_like_company(m.value)]
    spelled = spelled_out(text)
    spell = spelled[0] if spelled else None
    if not mentions:
        return None, [], spell
    # prefer a full name; among equals the strongest cue, then the earliest
    best = max(mentions, key=lambda m: (min(len(m.value.split()), 2), m.strength, -m.start))
    return best, mentions, spell


def _without_addressee(m: Mention, addressee: frozenset[str]) -> Mention | None:
    """"Sam Kofi-Minsa, Ashgrove Labs." (whisper lost the comma after "Sam"): you are Sam."""
    words = m.value.split()
    if m.cue == "this is" or not words or words[0].lower() not in addressee:
        return None if m.cue == "greeting" else m
    if len(words) == 1:
        return None
    rest = " ".join(words[1:])
    return Mention(rest, m.end - len(rest), m.end, m.cue, m.strength)


# "Hi Sam," / "Hey Sam." / "Good morning, Sam!": the name a message greets
_GREETED = re.compile(rf"\b(?:[Hh]i|[Hh]ey|[Hh]ello|[Gg]ood (?:morning|afternoon|evening)|[Mm]orning)\s*,?\s+"
                      rf"({_CAP})\s*[,.!?]")
_NOT_ADDRESSEE = {"there", "everyone", "everybody", "all", "folks", "team", "guys", "again", "sir",
                  "madam", "ma'am"}


def greeted(text: str) -> set[str]:
    """The names (lower case) this message greets."""
    return {m.group(1).lower() for m in _GREETED.finditer(text or "")
            if m.group(1).lower() not in _NOT_ADDRESSEE | _NOT_NAMES}


def learn_addressee(texts) -> frozenset[str]:
    """Your name, as your callers greet you: greeted in at least two of the messages and in at
    least a third of those that greet someone by name."""
    from collections import Counter
    counts: Counter[str] = Counter()
    greeting = 0
    for text in texts:
        names = greeted((text or "")[:160])  # a greeting opens the message
        greeting += bool(names)
        counts.update(names)
    return frozenset(n for n, c in counts.items() if c >= 2 and 3 * c >= greeting)


def apply_spelling(name: str | None, spell: Mention | None, *, adjacent: bool = False) -> tuple[str | None, bool]:
    """Put a spelled-out word into the name in place of its most similar word. `adjacent`: the
    spelling follows the name at once ("Thomas Saboski, GR, CY, V, O, W, S, K, I"): it spells
    one of its words even when whisper heard that word further from it."""
    if spell is None:
        return name, False
    if not name:
        return (spell.value, True) if spell.cue == "spelled" else (None, False)
    words = name.split()
    scores = [similarity(w, spell.value) for w in words]
    i = max(range(len(words)), key=lambda k: scores[k])
    if scores[i] >= 0.99:
        return name, True
    if scores[i] >= (0.4 if adjacent else 0.5) and len(spell.value) >= 0.6 * len(words[i]):
        words[i] = spell.value
        return " ".join(words), True
    return name, False  # a spelling that fits no heard word is more likely noise


def spelling_fits(heard: str, spell: Mention) -> bool:
    """A spelling one letter away from a heard word ("Niam" -> N-I-A-M-H) is a second reading
    that confirms it; one further away ("Gerzabowski" -> G-R-Z-Y-...) corrects what was heard
    and confirms nothing (whisper mishears spelled letters too)."""
    return any(_edits(w.lower(), spell.value.lower()) <= 1 for w in heard.split())


def _edits(a: str, b: str) -> int:
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# --- company -------------------------------------------------------------------------------

# A team or department is where the caller sits, not whom they work for: "the talent team at
# Globex", "HR at Initech". Such a phrase is itself a strong cue for the company after it.
_UNIT_WORDS = {"team", "department", "dept", "office", "desk", "division", "hr"}
_COMPANY_CUES = [
    (r"\b(?:team|department|dept\.?|division|desk|HR|human resources)\s+(?:over at|at|with|of|for)\s+", 1.0),
    (r"\b(?:calling from|calling on behalf of|on behalf of|over at|here at|I work for|I'm with|I am with|I work at|I'm at)\s+", 1.0),
    (r"\b(?:from|with|at)\s+", 0.6),
    (r"\b(?:[Tt]his is|[Ii]t's|[Yy]ou've reached|[Cc]alling from)\s+", 0.5),  # + a company word
    # a terse introduction: "Sam, Kofi Mensah, Ashgrove Labs." (+ a company word to count)
    (rf"(?:^|[.!?]\s+){_GREET}{_CAP}\s+{_CAP}(?:\s+{_CAP})?,\s+", 0.5),
]
_COMPANY_BODY = re.compile(
    r"(?P<co>(?:[Tt]he\s+)?(?:[A-Z0-9][\w'’&\-]*)(?:\.(?=[,\s][a-z]))?(?:\s+(?:(?:of|and|&|for|de|la|on)\s+)?(?:[A-Z0-9&][\w'’&\-]*|(?:LOWER_COMPANY)\b)(?:\.(?=[,\s][a-z]))?)*)"
)


_COMPANY_BODY = re.compile(_COMPANY_BODY.pattern.replace(
    "LOWER_COMPANY", "|".join(sorted((w for w in COMPANY_WORDS if len(w) > 3), key=len, reverse=True))))


def find_company(text: str, name: str | None) -> list[Mention]:
    out: list[Mention] = []
    name_words = {w.lower() for w in (name or "").split()}
    for cue_pat, strength in _COMPANY_CUES:
        for m in re.finditer(cue_pat, text):
            body = _COMPANY_BODY.match(text, m.end())
            if not body:
                continue
            co = body.group("co").rstrip(".,'’")
            words = co.split()
            # trim trailing connectors and possessive tails
            while words and words[-1].lower() in _CONNECT:
                words.pop()
            if words and words[0].lower() == "the" and len(words) == 1:
                continue
            if not words:
                continue
            first = words[0].lower().strip("'’")
            if first in _NOT_NAMES - {"the"} or first.isdigit() or any(ch.isdigit() for ch in first):
                continue
            if all(w.lower() in name_words for w in words):
                continue
            if words[-1].lower().strip(".") in _UNIT_WORDS:
                continue  # "the Recruiting Team (at ...)": the company comes after it
            value = " ".join(words)
            bonus = 0.5 if any(w.lower().strip(".,") in COMPANY_WORDS for w in words) else 0.0
            bonus += 0.2 if len(words) >= 2 else 0.0
            start = body.start("co")
            out.append(Mention(value, start, start + len(value), m.group().strip().lower(), strength + bonus))
    return out


def best_company(text: str, name: str | None) -> tuple[Mention | None, list[Mention]]:
    ms = find_company(text, name)
    if not ms:
        return None, []
    best = max(ms, key=lambda m: (m.strength, -m.start))
    if best.strength < 0.75:  # a bare "from X"/"at X" with no company word: too weak
        return None, ms
    return best, ms


# --- ask for ------------------------------------------------------------------------------

# "my colleague", "our school nurse,", "our practice manager," before the person's name
_ROLE = r"(?:(?:my|our|the)\s+(?:[a-z][a-z\-]+\s+){0,2}[a-z][a-z\-]+,?\s+)"
_ASK_FOR = re.compile(
    rf"\b(?:ask for|ask to speak (?:to|with)|speak (?:to|with)|talk to|asking for|ask for my \w+|reach out to)\s+"
    rf"{_ROLE}?(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?{_NAME}"
)
_CALL_PERSON = re.compile(
    rf"\b(?:call|reach|contact)\s+(?:my|our)\s+(?:colleague|assistant|partner|associate|coworker|co-worker|"
    rf"manager|boss|office manager|coordinator|teammate),?\s+(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?{_NAME}"
)
_HAVE_CALL = re.compile(rf"\b(?:have|ask|tell)\s+{_NAME}\s+(?:to\s+)?(?:call|give|ring|get back)")
_CALLBACK_CUES = ("direct line", "best number", "my number", "number for me", "my cell", "call me", "give me a call", "call back", "call us back", "reach me", "get back to me",
                  "give me a shout", "give me a buzz", "give me a bell", "ring me back",
                  "return my call", "give me a ring", "ring me", "call me back", "reach out to me",
                  "get in touch", "contact me", "hear back from you", "hear from you", "text me")


def find_ask_for(text: str) -> list[Mention]:
    out = []
    for m in list(_ASK_FOR.finditer(text)) + list(_CALL_PERSON.finditer(text)):
        words = _clean_name(m.group("name").split())
        if words:
            value = " ".join(words)
            out.append(Mention(value, m.start("name"), m.start("name") + len(value), "ask for", 1.0))
    out.sort(key=lambda m: m.start)
    return [_fuller(m, text) for m in out]


def _fuller(m: Mention, text: str) -> Mention:
    """"ask for Martin" after "my colleague Martin Lowe": the fuller name said elsewhere."""
    if len(m.value.split()) > 1:
        return m
    for other in re.finditer(rf"\b{re.escape(m.value)}\s+({_CAP})", text):
        nxt = other.group(1)
        if nxt.lower() not in _NOT_NAMES and nxt.lower() not in COMPANY_WORDS:
            return Mention(f"{m.value} {nxt}", m.start, m.end, m.cue, m.strength)
    return m


_SOMEONE_ELSE = re.compile(r"\b(?:ask for (?!me\b)|ask to speak|(?:speak|talk) (?:to|with) (?!you\b|me\b|us\b|them\b|someone\b)|my (?:colleague|assistant|partner|"
                           r"associate|coworker|co-worker|manager|boss|office manager|coordinator|teammate))\b",
                           re.IGNORECASE)


def mentions_someone_else(text: str) -> bool:
    """A hint that the callback goes to another person, even when their name is unclear."""
    return bool(_SOMEONE_ELSE.search(text))


def asks_for_callback(text: str) -> bool:
    low = " ".join(text.lower().split())
    return any(c in low for c in _CALLBACK_CUES) or bool(_HAVE_CALL.search(text))


# --- request -------------------------------------------------------------------------------

_SENT = re.compile(r"[^.!?]+[.!?]?")
_PURPOSE = ("calling about", "calling to", "calling regarding", "regarding", "wanted to", "want to",
            "would like to", "i'd like to", "following up", "reaching out", "to discuss", "to talk",
            "to schedule", "to confirm", "is ready", "reminder", "to let you know", "checking in",
            "i have a", "we have a", "interested in", "about the", "about your", "about a", "about an")
_ACTION = ("please call", "call me", "give me a call", "call back", "let me know", "get back to",
           "pick up", "stop by", "text me", "email me", "send me", "confirm", "reschedule", "return")
_GREETING = re.compile(r"^(?:(?:hi|hey|hello|good (?:morning|afternoon|evening))\b[^,.!?]*[,.!?]\s*)+", re.I)


def find_request(text: str) -> Mention | None:
    best: tuple[float, int, int, str] | None = None
    for m in _SENT.finditer(text):
        s = m.group().strip()
        if not s:
            continue
        low = s.lower()
        score = 0.0
        if any(c in low for c in _PURPOSE):
            score += 2
        if any(c in low for c in _ACTION):
            score += 1
        if re.search(r"\b(?:this is|my name is|it's)\b", low) and score < 2:
            score -= 1
        if score <= 0:
            continue
        if best is None or score > best[0]:
            lead = len(m.group()) - len(m.group().lstrip())
            best = (score, m.start() + lead, m.start() + lead + len(s), s)
    if best is None:
        return None
    score, a, b, s = best
    s2 = _GREETING.sub("", s).strip()
    a += len(s) - len(s2)
    if len(s2) > 160:
        s2 = s2[:159].rsplit(" ", 1)[0] + "…"
    if s2 and s2[0].islower():
        s2 = s2[0].upper() + s2[1:]
    return Mention(s2, a, b, "request", score)
