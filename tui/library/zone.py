"""The phone system's time zone (`[sources] timezone`): what a naive wall-clock time means.

File names (`2026-11-07 09.12.58 +1314....m4a`), a JSON sidecar's `received_at` without an offset,
Asterisk's `origdate` with a zone name it does not spell, and a mail `Date:` of `-0000` are the
phone system's wall-clock times. They are read in `[sources] timezone` when set, else in this
machine's zone. Times are shown in the reader's zone (the app's clock), whatever they were read in.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def localize(naive: datetime, zone: tzinfo | None) -> datetime:
    """`naive` as an aware time in `zone`, or in this machine's zone when `zone` is None."""
    if zone is None:
        return naive.astimezone()
    return naive.replace(tzinfo=zone)


def named(name: str | None) -> ZoneInfo | None:
    """The IANA zone `name` ("America/New_York"), None for None/""; ValueError when unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def key(zone: tzinfo | None) -> str:
    """What the library remembers of the zone its naive times were read in ("" = this machine's)."""
    return getattr(zone, "key", None) or ("" if zone is None else str(zone))
