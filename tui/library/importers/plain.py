"""Plain folders: any audio file; metadata from `YYYY-MM-DD HH.MM.SS +NUMBER` names and JSON sidecars.

Sidecar: `<same stem>.json` with `caller_id_number`, `caller_id_name`, `received_at` (ISO 8601).
File-name times (and a sidecar's `received_at` without an offset) are the phone's wall-clock
time, read in `[sources] timezone` (default: this machine's zone; `tui.library.zone`), except a
time ending in `Z`, which is UTC.

The message's source key (`tui.library.identity`) is the time and number in the file name as
written, else the sidecar's `received_at` and number: two calls recorded as the same digital
silence stay two messages; a copy renamed to a name without them is keyless and joins its
message when that is unambiguous. Without either,
the file's modification time is the receive time.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone, tzinfo
from pathlib import Path

from tui.library.models import Found
from tui.library.zone import localize
from tui.library.phone import to_e164
from tui.library.sidecar import read_limited

LAYOUT = "plain"
SIDECAR_LIMIT = 64 * 1024

_NAME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[ _T](?P<time>\d{2}[.:_-]\d{2}[.:_-]\d{2})(?P<utc>Z(?![A-Za-z]))?(?:\s+(?P<number>\+?[\d\s().-]{3,20}\d))?"
)


def claims(path: Path) -> bool:  # the fallback importer: everything
    return True


def read(path: Path, stat: os.stat_result, *, region: str = "US", zone: tzinfo | None = None) -> Found:
    number = name = raw = key = None
    received = None
    source = None
    match = _NAME.search(path.stem)
    if match:
        key = "plain:" + match.group(0).strip()  # the call's time (and number) as the phone named it
        try:
            when = datetime.strptime(
                f"{match.group('date')} {re.sub(r'[.:_-]', ':', match.group('time'))}", "%Y-%m-%d %H:%M:%S"
            )
            if match.group("utc"):
                received = when.replace(tzinfo=timezone.utc)  # `...T18_18_56Z`: UTC, as the Z says
            else:
                received = localize(when, zone)  # the phone's wall-clock time: [sources] timezone, else local
            source = "file name"
        except ValueError:
            received = None
        if match.group("number"):
            raw = match.group("number").strip()
            number = to_e164(raw, region)

    sidecar_path = path.with_suffix(".json")
    sidecar = None
    problems: list[str] = []
    if sidecar_path.is_file():
        sidecar = str(sidecar_path)
        data, problem = _read_json(sidecar_path)
        if problem:
            problems.append(problem)
        else:
            raw_number = data.get("caller_id_number")
            if isinstance(raw_number, str) and raw_number.strip():
                number = to_e164(raw_number, region) or number
                raw = raw_number.strip()[:40]
            raw_name = data.get("caller_id_name")
            if isinstance(raw_name, str) and raw_name.strip():
                name = raw_name.strip()[:200]
            raw_time = data.get("received_at")
            if isinstance(raw_time, str):
                parsed = _parse_time(raw_time, zone)
                if parsed is not None:
                    received, source = parsed, "json sidecar"
                    if key is None:  # as every version keyed it (read in this machine's zone), whatever the setting
                        key = f"plain:{_parse_time(raw_time).isoformat()}|{raw or ''}"
    if received is None:
        received = datetime.fromtimestamp(stat.st_mtime).astimezone()
        source = "mtime"
    return Found(
        path=str(path),
        layout=LAYOUT,
        caller_number=number,
        caller_name=name,
        caller_raw=raw,
        source_key=key,
        received_at=received,
        received_at_source=source,
        sidecar=sidecar,
        extra=({"sidecar_problem": problems[0], "sidecar_retry": problems[0].startswith(UNREADABLE)} if problems else {}),
    )


UNREADABLE = "sidecar unreadable ("


def _read_json(path: Path) -> tuple[dict, str | None]:
    try:
        raw = read_limited(path, SIDECAR_LIMIT)
    except OSError as exc:
        return {}, f"{UNREADABLE}{exc.strerror})"  # an OS failure, not the content: retried (sidecar_retry)
    if len(raw) > SIDECAR_LIMIT:
        return {}, "sidecar too large (over 64 KiB), ignored"
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to be a sidecar
        return {}, "sidecar is not valid JSON, ignored"
    if not isinstance(data, dict):
        return {}, "sidecar is not a JSON object, ignored"
    return data, None


def _parse_time(text: str, zone: tzinfo | None = None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = localize(parsed, zone)
    return parsed
