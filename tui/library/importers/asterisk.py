"""Asterisk voicemail spool: `<context>/<mailbox>/<Folder>/msgNNNN.<ext>` + `msgNNNN.txt`.

The `.txt` is an INI file with a `[message]` section written by app_voicemail:

    callerid="Name" <number>   (or `Name`, `number`, `Unknown`, empty)
    origtime=1793716886        (Unix seconds; preferred)
    origdate=Tue Nov 03 02:41:26 PM UTC 2026
    duration=20                (whole seconds)
    flag=                      (empty, `Urgent` or `PRIORITY`)
    msg_id=1793716886-00000000

One message may be stored in several formats (`format=wav49|gsm|wav` in voicemail.conf):
`.wav` (16-bit PCM or G.711), `.WAV` (GSM 6.10 in a WAV container), `.gsm` (raw GSM) and the
headerless `.ulaw`, `.alaw`, `.sln`, `.sln16`, `.g722` (`tui.audio.formats` reads them).
`group_folder()` picks one per message (best quality first; the scanner falls back to the next
copy whose header reads) and turns a `.txt` without audio into an error row.

The message's identity is its audio hash with `source_key()`: `msg_id`, else `origtime` and
`callerid` (`tui.library.identity`).

Nothing here reads audio, and nothing raises for bad input.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import replace
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

from tui.audio.formats import RAW_SUFFIXES
from tui.library.models import Found
from tui.library.zone import localize
from tui.library.phone import to_e164
from tui.library.sidecar import read_limited
from tui.library.syncnames import is_partial

LAYOUT = "asterisk"

FOLDERS = frozenset(
    {"INBOX", "Old", "Urgent", "Work", "Family", "Friends", "Cust1", "Cust2", "Cust3", "Cust4", "Cust5", "Deleted"}
)
MAX_SIDECAR_BYTES = 64 * 1024

AUDIO_MISSING = "audio missing"

_MSG = re.compile(r"^msg(\d{4,5})\.([A-Za-z0-9]+)$")
_AUDIO_SUFFIXES = frozenset(
    {".wav", ".wav16", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".amr", ".gsm", ".3gp", ".wma",
     ".webm", *RAW_SUFFIXES}
)
# What other files in a spool folder may be (passed on to the plain importer): no bare `.raw`/`.pcm`.
_PASS_SUFFIXES = frozenset(_AUDIO_SUFFIXES - {".raw", ".pcm", ".ul", ".mu", ".al"})
# Quality order of one message's copies (lower is better; exact case: `.WAV` is wav49, GSM in
# WAV). Wideband linear first, then G.722, 8 kHz linear (self-describing `.wav` before raw
# `.sln`), G.711, then GSM. Of these, the scanner uses the first whose header reads.
_FORMAT_RANK = {
    ".wav16": 0, ".sln16": 0, ".sln24": 0, ".sln32": 0, ".sln44": 0, ".sln48": 0, ".sln96": 0, ".sln192": 0,
    ".sln12": 1, ".g722": 1, ".wav": 2, ".sln": 3, ".raw": 3,
    ".ulaw": 4, ".ul": 4, ".mu": 4, ".pcm": 4, ".ulw": 4, ".alaw": 4, ".al": 4, ".alw": 4,
    ".WAV": 5, ".gsm": 6,
}
_OTHER_RANK = 7

_WITHHELD = frozenset({"", "unknown", "anonymous", "restricted", "private", "unavailable", "withheld", "<unknown>"})
_QUOTED = re.compile(r'^\s*"(?P<name>[^"]*)"\s*(?:<(?P<number>[^>]*)>)?\s*$')
_BRACKETED = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<number>[^>]*)>\s*$")
_NUMBERISH = re.compile(r"^[+\d(][\d\s().\-]*$")
_ORIGDATE = re.compile(
    r"^\s*(?:[A-Za-z]{3},?\s+)?(?P<mon>[A-Za-z]{3})\s+(?P<day>\d{1,2})\s+"
    r"(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\s*(?P<ampm>[AaPp][Mm])?\s*"
    r"(?P<tz>[A-Za-z][A-Za-z0-9+\-:]*)?\s+(?P<year>\d{4})\s*$"
)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_TZ_HOURS = {
    "utc": 0, "gmt": 0, "z": 0, "ut": 0,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "akst": -9, "akdt": -8, "hst": -10, "ast": -4, "adt": -3, "nst": -3.5, "ndt": -2.5,
    "bst": 1, "ist": 1, "wet": 0, "west": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3,
    "aest": 10, "aedt": 11, "acst": 9.5, "awst": 8, "nzst": 12, "nzdt": 13,
}
_MIN_TIME = 946684800  # 2000-01-01: anything earlier is a broken clock or garbage
_MAX_TIME = 4102444800  # 2100-01-01


# --- file names ------------------------------------------------------------------------


def message_key(path: Path) -> str | None:
    """`msg0003` for `.../msg0003.wav` (any extension), else None."""
    match = _MSG.match(path.name)
    return f"msg{match.group(1)}" if match else None


def _is_audio_name(path: Path) -> bool:
    return path.suffix.lower() in _AUDIO_SUFFIXES


def sidecar_claims(path: Path) -> bool:
    """A `msgNNNN.txt` can stand for a message on its own (its audio may be missing). Name only."""
    name = Path(path).name
    return name.endswith(".txt") and bool(_MSG.match(name))


def claims(path: Path) -> bool:
    """`msgNNNN.<audio ext>` with a sibling `msgNNNN.txt`, a `msgNNNN.txt` itself (read as
    "audio missing"), or a folder holding `msgNNNN.txt` files."""
    path = Path(path)
    try:
        if _MSG.match(path.name):
            if path.suffix == ".txt":
                return True
            return _is_audio_name(path) and path.with_suffix(".txt").is_file()
        if path.is_dir():
            with os.scandir(path) as entries:
                for entry in entries:
                    if _MSG.match(entry.name) and entry.name.endswith(".txt"):
                        return True
    except OSError:
        return False
    return False


# --- the .txt sidecar ------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # app_voicemail writes whatever bytes the caller ID carried; latin-1 never fails.
        return raw.decode("latin-1")


def _read_sidecar_text(txt: Path) -> str:
    raw = read_limited(txt, MAX_SIDECAR_BYTES)
    if len(raw) > MAX_SIDECAR_BYTES:
        raw = raw[:MAX_SIDECAR_BYTES]
        cut = raw.rfind(b"\n")
        if cut > 0:
            raw = raw[:cut]
    return _decode(raw).replace("\x00", "")


def _parser() -> configparser.ConfigParser:
    return configparser.ConfigParser(
        interpolation=None,
        strict=False,
        allow_no_value=True,
        delimiters=("=",),
        comment_prefixes=(";", "#"),
        inline_comment_prefixes=None,
        empty_lines_in_values=False,
        default_section="\x00no default section\x00",
    )


def _try_parse(text: str) -> tuple[configparser.ConfigParser | None, str | None]:
    """A parser holding what could be read, and a warning; (None, reason) when nothing could."""
    parser = _parser()
    try:
        parser.read_string(text)
    except configparser.MissingSectionHeaderError:
        return None, "no [message] section header"
    except configparser.ParsingError:
        return parser, "some lines are not key=value"  # what could be read is kept
    except Exception:  # configparser has odd failure modes on binary garbage
        return None, "not an Asterisk message file"
    return parser, None


def parse_sidecar(text: str) -> tuple[dict[str, str], str | None]:
    """The `[message]` keys (lower-cased) and a warning when the file was not clean INI."""
    parser, warning = _try_parse(text)
    if parser is None and warning == "no [message] section header":
        # Keys before any section header: read them as the message section.
        parser, second = _try_parse("[message]\n" + text)
        warning = second or warning
    if parser is None:
        return {}, warning or "not an Asterisk message file"
    section = next((name for name in parser.sections() if name.strip().lower() == "message"), None)
    if section is None:
        return {}, "no [message] section"
    try:
        values = {key: (value or "").strip() for key, value in parser.items(section, raw=True)}
    except Exception:
        return {}, "not an Asterisk message file"
    return values, warning


def parse_callerid(value: str | None, region: str) -> tuple[str | None, str | None, str | None]:
    """`(name, e164_number, raw_number)` from `"Name" <number>`, `Name <number>`, `Name`, `number`, `Unknown`."""
    text = (value or "").strip()
    name: str | None
    number: str | None
    match = _QUOTED.match(text) or _BRACKETED.match(text)
    if match:
        name, number = match.group("name"), match.group("number")
    elif _NUMBERISH.match(text):
        name, number = None, text
    else:
        name, number = text, None
    name = (name or "").strip() or None
    number = (number or "").strip() or None
    if name is not None and name.lower() in _WITHHELD:
        name = None
    if number is not None and number.lower() in _WITHHELD:
        number = None
    e164 = to_e164(number, region)
    if name is not None and _NUMBERISH.match(name):
        # Some trunks put the number in the name field too.
        if e164 is None:
            number = number or name
            e164 = to_e164(name, region)
        if e164 is not None and to_e164(name, region) == e164:
            name = None
    if name is not None and len(name) > 200:
        name = name[:200]
    return name, e164, number


def source_key(values: Mapping[str, str]) -> str | None:
    """The message's own identity: `msg_id` (Asterisk 11+), else `origtime` with the caller ID.

    With the audio hash it is the message id (`tui.library.identity`): two messages with
    byte-identical audio (the same digital silence, a test's placeholder) stay two. A backup or
    a move to Old keeps the .txt, hence the key and the message's state.
    """
    msg_id = (values.get("msg_id") or "").strip()
    if msg_id:
        return "asterisk:" + msg_id[:100]
    origtime = (values.get("origtime") or "").strip()
    if origtime:
        return f"asterisk:{origtime[:40]}|{(values.get('callerid') or '').strip()[:200]}"
    return None


def _parse_origtime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if not (_MIN_TIME <= seconds <= _MAX_TIME):
        return None
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc)


def _parse_origdate(value: str | None, zone: tzinfo | None = None) -> datetime | None:
    """`Tue Nov 03 02:41:26 PM UTC 2026` (app_voicemail's `%a %b %d %r %Z %Y`) and 24-hour variants."""
    if not value:
        return None
    match = _ORIGDATE.match(value)
    if not match:
        return None
    month = _MONTHS.get(match.group("mon").lower())
    if month is None:
        return None
    hour = int(match.group("h"))
    ampm = (match.group("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        naive = datetime(int(match.group("year")), month, int(match.group("day")), hour, int(match.group("m")), int(match.group("s")))
    except ValueError:
        return None
    tz_name = (match.group("tz") or "").lower()
    if tz_name in _TZ_HOURS:
        return naive.replace(tzinfo=timezone(timedelta(hours=_TZ_HOURS[tz_name])))
    # An unknown zone name: app_voicemail writes the server's local time ([sources] timezone, else ours).
    return localize(naive, zone)


def _parse_duration(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if seconds != seconds or seconds < 0 or seconds > 24 * 3600:
        return None
    return seconds


def _is_urgent(flag: str | None) -> bool:
    words = {word.strip().lower() for word in re.split(r"[,;|\s]+", flag or "") if word.strip()}
    return bool(words & {"urgent", "priority"})


def _mtime(stat: os.stat_result | None, path: Path) -> datetime:
    try:
        seconds = stat.st_mtime if stat is not None else path.stat().st_mtime
    except OSError:
        seconds = 0.0
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _location(path: Path) -> dict[str, str]:
    parts = path.parent.parts
    extra: dict[str, str] = {}
    if len(parts) >= 2:
        extra["mailbox"] = parts[-2]
    if len(parts) >= 3:
        extra["context"] = parts[-3]
    return extra


def read_txt(txt: Path, *, region: str = "US", zone: tzinfo | None = None) -> dict[str, Any]:
    """Everything the `.txt` says, as `Found` keyword arguments (plus `extra`). Never raises."""
    extra: dict[str, Any] = {}
    result: dict[str, Any] = {"extra": extra, "sidecar": str(txt)}
    try:
        text = _read_sidecar_text(txt)
    except FileNotFoundError:
        extra["sidecar_error"] = f"{txt.name} is missing"
        return result
    except OSError as exc:
        extra["sidecar_error"] = f"{txt.name} cannot be read ({exc.strerror or 'error'})"
        extra["sidecar_retry"] = True  # not the sidecar's content: the scan reads it again
        return result
    values, warning = parse_sidecar(text)
    if warning:
        extra["sidecar_error"] = f"{txt.name}: {warning}"
    if not values:
        return result
    name, number, raw_number = parse_callerid(values.get("callerid"), region)
    result["caller_name"] = name
    result["caller_number"] = number
    if raw_number:
        result["caller_raw"] = raw_number[:40]  # as written: "1001" (an extension), "555-5555"
    if raw_number and number is None:
        extra["caller_number_raw"] = raw_number  # e.g. an internal extension "1002"
    when = _parse_origtime(values.get("origtime"))
    if when is not None:
        result["received_at"], result["received_at_source"] = when, "asterisk origtime"
    else:
        when = _parse_origdate(values.get("origdate"), zone)
        if when is not None:
            result["received_at"], result["received_at_source"] = when, "asterisk origdate"
    duration = _parse_duration(values.get("duration"))
    if duration is not None:
        result["duration_s"] = duration
    result["urgent"] = _is_urgent(values.get("flag"))
    if values.get("msg_id"):
        extra["msg_id"] = values["msg_id"][:100]
    result["source_key"] = source_key(values)
    for key in ("origmailbox", "category"):
        if values.get(key):
            extra[key] = values[key][:100]
    return result


# --- importer contract -----------------------------------------------------------------


def read(path: Path, stat: os.stat_result | None = None, *, region: str = "US", zone: tzinfo | None = None) -> Found:
    """One Asterisk message (the audio file, or its `.txt` when the audio is missing)."""
    path = Path(path)
    folder = path.parent.name or None
    is_txt = path.suffix.lower() == ".txt"
    txt = path if is_txt else path.with_suffix(".txt")
    fields = read_txt(txt, region=region, zone=zone)
    extra: dict[str, Any] = fields.pop("extra")
    extra.update(_location(path))
    key = message_key(path)
    if key:
        extra["message"] = key
    if "sidecar_error" in extra and not txt.exists():
        fields["sidecar"] = None
    if "received_at" not in fields:
        fields["received_at"] = _mtime(stat, path)
        fields["received_at_source"] = "mtime"
    urgent = bool(fields.pop("urgent", False)) or folder == "Urgent"
    return Found(
        path=str(path),
        layout=LAYOUT,
        folder=folder,
        heard_elsewhere=folder == "Old",
        urgent=urgent,
        error=AUDIO_MISSING if is_txt else None,
        extra=extra,
        **fields,
    )


# --- one folder's oddities -------------------------------------------------------------


def _group(
    items: Iterable[tuple[str, int | None, int | None]], alternatives: dict[str, tuple[str, ...]] | None = None
) -> tuple[list[str], list[str]]:
    """`items` = (path, size, mtime_ns) of one folder -> (chosen audio paths, orphaned .txt paths).

    `alternatives`, when given, is filled with chosen path -> the message's other copies, best first.

    Works on strings (this runs on every rescan of every Asterisk folder). Two `msgNNNN` are
    never folded together here, even with the same `msg_id`: whether two files are one message
    is the identity rule's call (audio hash + source key), and the scan reports it.
    """
    groups: dict[str, list[tuple[tuple[bool, int, str], str]]] = {}
    txts: dict[str, str] = {}
    chosen: list[str] = []
    sep = os.sep
    for path, size, _mtime_ns in items:
        name = path.rpartition(sep)[2]
        match = _MSG.match(name)
        if not match:
            if not is_partial(name) and os.path.splitext(name)[1].lower() in _PASS_SUFFIXES:
                chosen.append(path)
            continue
        key = match.group(1)
        suffix = "." + match.group(2)
        if suffix == ".txt":
            txts[key] = path
        elif suffix.lower() in _AUDIO_SUFFIXES:
            if size is None:
                try:
                    size = os.stat(path).st_size
                except OSError:
                    size = None
            rank = (size == 0, _FORMAT_RANK.get(suffix, _OTHER_RANK), suffix)
            groups.setdefault(key, []).append((rank, path))
    best: dict[str, str] = {}
    for key, variants in groups.items():
        variants.sort()
        best[key] = variants[0][1]
        if alternatives is not None and len(variants) > 1:
            alternatives[variants[0][1]] = tuple(path for rank, path in variants[1:] if not rank[0])
    orphans = [txts[key] for key in sorted(txts) if key not in best]
    chosen.extend(best[key] for key in sorted(best))
    return chosen, orphans


def group_folder(
    paths: Iterable[Path | str],
    *,
    region: str = "US",
    sizes: Mapping[str, int] | None = None,
) -> tuple[list[Path], list[Found]]:
    """Pick the audio files to import from one Asterisk folder and report its broken messages.

    `paths` are the files of one folder (any order; audio files with other names pass
    through, other non-audio files are dropped). Returns `(chosen_audio_paths, error_founds)`:

    * the same `msgNNNN` stored in several formats is one message: the best format is chosen
      (`_FORMAT_RANK`: wideband linear > G.722 > `.wav` > `.sln` > G.711 > `.WAV` wav49 >
      `.gsm` > others), and a non-empty file is preferred to an empty one (the scanner falls
      back to the next copy when the chosen one's header does not read);
    * a `msgNNNN.txt` with no audio becomes `Found(error="audio missing", path=<txt>)`
      carrying what the `.txt` says (caller, time, folder);
    * every `msgNNNN` stays its own file: two that share a `msg_id` and audio become one
      message through the identity rule (and `scan` says so), never silently here.

    Cost: names only, plus one stat per audio file unless `sizes` (str(path) -> bytes) is given.
    """
    sizes = sizes or {}
    items = [(str(path), sizes.get(str(path)), None) for path in paths]
    chosen, orphans = _group(items)
    return [Path(path) for path in chosen], [read(Path(txt), None, region=region) for txt in orphans]


def group_entries(entries: Iterable[Any]) -> list[Any]:
    """The scanner's hook: `entries` have `.path` (str), `.size` and optionally `.mtime_ns`.

    Per folder that holds Asterisk names, keeps the chosen audio of each message and the
    orphaned `msgNNNN.txt` entries (which `read` turns into "audio missing" error rows);
    drops the other formats of a message and its `.txt`. A kept entry with an `alternatives`
    field gets the message's other copies there, best first (the scanner's fallback). Entries
    in other folders pass through untouched; the order is kept.
    """
    entries = list(entries)
    folders: dict[str, list[Any]] = {}
    sep = os.sep
    for entry in entries:
        folders.setdefault(entry.path.rpartition(sep)[0], []).append(entry)
    keep: set[str] = set()
    alternatives: dict[str, tuple[str, ...]] = {}
    for members in folders.values():
        if not any(_MSG.match(entry.path.rpartition(sep)[2]) for entry in members):
            keep.update(entry.path for entry in members)
            continue
        items = [(entry.path, entry.size, getattr(entry, "mtime_ns", None)) for entry in members]
        chosen, orphans = _group(items, alternatives)
        keep.update(chosen)
        keep.update(orphans)
    return [
        replace(entry, alternatives=alternatives[entry.path])
        if entry.path in alternatives and hasattr(entry, "alternatives") else entry
        for entry in entries if entry.path in keep
    ]
