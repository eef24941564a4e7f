"""Phone numbers: parse to E.164 and format for display (phonenumbers)."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from tui.text import clean

# CNAM strings that name no one: shown as the number instead.
GENERIC_CNAM = frozenset(
    {"WIRELESS CALLER", "UNKNOWN", "UNAVAILABLE", "UNKNOWN CALLER", "PRIVATE", "ANONYMOUS", "RESTRICTED",
     "TOLL FREE CALL", "OUT OF AREA", "BLOCKED", "NO CALLER ID", "V"}
)


@lru_cache(maxsize=4096)
def to_e164(text: str | None, region: str = "US") -> str | None:
    """`text` as E.164, or None when it is not a possible number."""
    if not text:
        return None
    raw = str(text).strip()
    if not any(ch.isdigit() for ch in raw):  # names, "Unknown", "Anonymous", ...
        return None
    try:
        number = phonenumbers.parse(raw, region or "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def display(e164: str | None, region: str = "US") -> str:
    """A readable form: national for the home region, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return clean(e164, single_line=True)  # an edited value that is no number: shown as text, made safe
    home = phonenumbers.region_code_for_number(number) == region
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def international(e164: str | None) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return clean(e164, single_line=True)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def is_e164(value: str | None) -> bool:
    """Exactly a possible number in E.164 form ('+' and 7-15 digits, nothing else): the only text
    that may go into a tel: link or a dial command."""
    return bool(value) and _E164.fullmatch(value) is not None and to_e164(value) == value


def is_generic_name(name: str | None) -> bool:
    return not name or name.strip().upper() in GENERIC_CNAM
