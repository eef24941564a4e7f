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
    """`text` as E.164, or None when it is not a possible full number.

    Never invents one: a 7-digit local number (`555-5555`, which only dials within its area
    code) is not made into `+15555555`; an internal extension (`1001`) or a national number of
    another country without its country code stays None. Keep the source's text as `raw`.
    """
    if not text:
        return None
    raw = str(text).strip()
    if not any(ch.isdigit() for ch in raw):  # names, "Unknown", "Anonymous", ...
        return None
    try:
        number = phonenumbers.parse(raw, region or "US")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None  # too short, too long, or only dialable locally (no area code)
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


_EXTENSION_DIGITS = range(2, 7)


def is_extension(raw: str | None) -> bool:
    """An internal extension as PBXs write it: 2 to 6 digits, nothing else."""
    text = (raw or "").strip()
    return text.isascii() and text.isdigit() and len(text) in _EXTENSION_DIGITS


def shown_raw(raw: str | None) -> str:
    """A caller number that is no full number, as the source wrote it: "ext. 1001", "555-5555"."""
    if not raw or not raw.strip():
        return ""
    text = clean(raw.strip(), single_line=True, limit=40)
    return f"ext. {text}" if is_extension(raw) else text


def is_generic_name(name: str | None) -> bool:
    return not name or name.strip().upper() in GENERIC_CNAM
