"""Google Voice Takeout: `Voice/Calls/<name | +E164 | empty> - Voicemail - YYYY-MM-DDTHH_MM_SSZ.mp3`.

The `.html` with the same stem (hCard/hAudio markup) names the caller (`a.tel` href and the
`span.fn` inside it), the time (`abbr.published` title, local time with offset), the
duration (`abbr.duration` title, ISO 8601 `PT1M7S`) and usually Google's own transcript
(`span.full-text`), which is kept as a second, labelled opinion.

The html is parsed with the standard library's tolerant `html.parser`; a missing, huge or
broken html falls back to what the file name says. Nothing here raises for bad input.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone, tzinfo
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tui.library.models import Found
from tui.library.phone import to_e164
from tui.library.sidecar import read_limited

LAYOUT = "google_voice"
MAX_HTML_BYTES = 1024 * 1024
MAX_TRANSCRIPT_CHARS = 20_000
MAX_NAME_CHARS = 200

_AUDIO_SUFFIXES = frozenset({".mp3", ".m4a", ".aac", ".wav", ".amr", ".ogg", ".opus", ".3gp", ".mp4"})
_NAME = re.compile(
    r"^(?P<who>.*?) ?- Voicemail - (?P<ts>\d{4}-\d{2}-\d{2}T\d{2}_\d{2}_\d{2})(?:\.\d+)?Z(?: ?\(\d+\))?$"
)
_NUMBERISH = re.compile(r"^\+?[\d\s().\-]+$")
_DURATION = re.compile(r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$")
_SPACES = re.compile(r"\s+")


_OTHER_CALL = re.compile(
    r"^.*? ?- (?P<kind>Recorded|Received|Placed|Missed) - \d{4}-\d{2}-\d{2}T\d{2}_\d{2}_\d{2}(?:\.\d+)?Z(?: ?\(\d+\))?$"
)
_KINDS = {"Recorded": "a recorded call", "Received": "a received call", "Placed": "a placed call", "Missed": "a missed call"}
PLACEHOLDER_TRANSCRIPTS = frozenset({"unable to transcribe this message.", "unable to transcribe this message"})
DISAGREE_S = 120  # a page's time and its name's time further apart than this contradict each other


def not_a_message(path: str) -> str | None:
    """Why a Takeout `Calls` file is no voicemail (its other call records), else None. Name only.

    A recorded, received, placed or missed call is never a message, and nothing in a Takeout
    `Voice/Calls` folder is left to the plain importer: only voicemail names are claimed there.
    """
    head, _, name = path.rpartition(os.sep)
    stem, dot, _suffix = name.rpartition(".")
    if not dot:
        return None
    match = _OTHER_CALL.match(stem)
    if match:
        return f"Google Voice: {_KINDS[match.group('kind')]}, not a voicemail"
    parent = head.rpartition(os.sep)
    if parent[2] == "Calls" and parent[0].rpartition(os.sep)[2] == "Voice" and not claims(Path(path)):
        return "Google Voice Takeout Calls folder: not a voicemail"
    return None


def claims(path: Path) -> bool:
    """`... - Voicemail - <UTC time>Z.<audio>`: the name is enough (the html is optional)."""
    name = Path(path).name
    suffix = Path(name).suffix
    if suffix.lower() not in _AUDIO_SUFFIXES:
        return False
    return bool(_NAME.match(name[: -len(suffix)]))


def parse_file_name(name: str, region: str = "US") -> tuple[str | None, str | None, datetime | None]:
    """`(caller_name, caller_number, utc_time)` from a Takeout voicemail file name."""
    stem = name[: -len(Path(name).suffix)] if Path(name).suffix else name
    match = _NAME.match(stem)
    if not match:
        return None, None, None
    who = _valid_text(match.group("who").strip())  # a name that is not UTF-8: shown with U+FFFD
    when: datetime | None
    try:
        when = datetime.strptime(match.group("ts"), "%Y-%m-%dT%H_%M_%S").replace(tzinfo=timezone.utc)
    except ValueError:
        when = None
    if not who:
        return None, None, when
    if _NUMBERISH.match(who):
        number = to_e164(who, region)
        if number is not None:
            return None, number, when
    return who[:MAX_NAME_CHARS], None, when


def page_for(audio: Path) -> Path:
    """The audio's Takeout page: the same stem, else a page in the folder naming the same caller
    and time apart from spaces (lbeder's sample names the mp3 `   - Voicemail - …`, the page
    ` - Voicemail - …`). Only looked for when the exact page is missing."""
    exact = audio.with_suffix(".html")
    if exact.exists():
        return exact
    match = _NAME.match(audio.stem)
    if not match:
        return exact
    want = (match.group("who").strip(), match.group("ts"))
    try:
        with os.scandir(audio.parent) as entries:
            for entry in entries:
                if entry.name.endswith(".html"):
                    other = _NAME.match(entry.name[:-5])
                    if other and (other.group("who").strip(), other.group("ts")) == want:
                        return Path(entry.path)
    except OSError:
        pass
    return exact


def source_key(name: str, file_time: datetime | None) -> str | None:
    """The call's own identity: who and when as Google named the file (its UTC time).

    With the audio hash it is the message id: pages that share one recording stay separate
    messages. Only the name is used, so a copy of the audio without its page (a backup of the
    mp3 files) is still the same message.
    """
    if file_time is None:
        return None
    stem = name[: -len(Path(name).suffix)] if Path(name).suffix else name
    match = _NAME.match(stem)
    who = match.group("who").strip() if match else ""
    try:
        who.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 in the name: kept exact, as hex
        who = "0x" + who.encode("utf-8", "surrogateescape").hex()
    return f"google_voice:{file_time.isoformat()}|{who[:MAX_NAME_CHARS]}"


def _valid_text(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def parse_duration(value: str | None) -> float | None:
    """ISO 8601 duration (`PT22S`, `PT1M7S`, `PT1H0M3.5S`) in seconds."""
    if not value:
        return None
    match = _DURATION.match(value.strip().upper())
    if not match or not any(match.groupdict().values()):
        return None
    parts = {key: float(val) if val else 0.0 for key, val in match.groupdict().items()}
    seconds = parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
    return seconds if seconds < 24 * 3600 else None


def parse_published(value: str | None) -> datetime | None:
    """`2026-11-09T10:44:19.000-05:00` (aware); a time without an offset is not trusted."""
    if not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None or when.utcoffset() is None:
        return None
    if not 2000 <= when.year <= 2100:
        return None
    return when


class _VoicemailHTML(HTMLParser):
    """Collects the hCard/hAudio fields of one Takeout voicemail page."""

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, frozenset[str]]] = []
        # Counts of what is open, so hostile pages (deep nesting, stray end tags, many small
        # text runs) cost linear time: a 1 MiB page of them once took 96 s.
        self._open_tags: dict[str, int] = {}
        self._open_tel = 0
        self._transcript_chars = 0
        self.tel_href: str | None = None
        self.caller_name_parts: list[str] | None = None
        self.published: str | None = None
        self.duration: str | None = None
        self.transcript_parts: list[str] | None = None
        self._transcript_done = False
        self._fn_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key.lower(): (value or "") for key, value in attrs}
        classes = frozenset(attributes.get("class", "").split())
        if tag == "a" and "tel" in classes and self.tel_href is None:
            self.tel_href = attributes.get("href", "")
        if tag == "abbr" and "published" in classes and self.published is None:
            self.published = attributes.get("title")
        if tag == "abbr" and "duration" in classes and self.duration is None:
            self.duration = attributes.get("title")
        if tag in self._VOID:
            return
        self.stack.append((tag, classes))
        self._open_tags[tag] = self._open_tags.get(tag, 0) + 1
        self._open_tel += "tel" in classes
        if "fn" in classes and self.caller_name_parts is None and not self._fn_done and self._open_tel:
            self.caller_name_parts = []
        if "full-text" in classes and self.transcript_parts is None and not self._transcript_done:
            self.transcript_parts = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            self.handle_starttag(tag, attrs)
            if tag == "br" and self.transcript_parts is not None:
                self.transcript_parts.append("\n")
            return
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self._open_tags.get(tag):
            return  # a stray end tag
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                closed = self.stack[index:]
                del self.stack[index:]
                for name, classes in closed:
                    self._open_tags[name] -= 1
                    self._open_tel -= "tel" in classes
                    if "fn" in classes and self.caller_name_parts is not None and not self._fn_done:
                        self._fn_done = True
                    if "full-text" in classes and self.transcript_parts is not None:
                        self._transcript_done = True
                return

    def handle_data(self, data: str) -> None:
        if self.caller_name_parts is not None and not self._fn_done:
            self.caller_name_parts.append(data)
        if self.transcript_parts is not None and not self._transcript_done:
            if self._transcript_chars < MAX_TRANSCRIPT_CHARS:
                self.transcript_parts.append(data)
                self._transcript_chars += len(data)

    @property
    def caller_name(self) -> str | None:
        if not self.caller_name_parts:
            return None
        text = _SPACES.sub(" ", "".join(self.caller_name_parts)).strip()
        return text[:MAX_NAME_CHARS] or None

    @property
    def transcript(self) -> str | None:
        if not self.transcript_parts:
            return None
        lines = (_SPACES.sub(" ", line).strip() for line in "".join(self.transcript_parts).split("\n"))
        text = "\n".join(line for line in lines if line)
        return text[:MAX_TRANSCRIPT_CHARS] or None


def read_html(html: Path, *, region: str = "US") -> dict[str, Any]:
    """What the html says, as `Found` keyword arguments plus `extra`. Never raises."""
    extra: dict[str, Any] = {}
    result: dict[str, Any] = {"extra": extra}
    try:
        raw = read_limited(html, MAX_HTML_BYTES)
    except FileNotFoundError:
        extra["sidecar_error"] = f"{html.name} is missing"
        return result
    except OSError as exc:
        extra["sidecar_error"] = f"{html.name} cannot be read ({exc.strerror or 'error'})"
        extra["sidecar_retry"] = True  # not the sidecar's content: the scan reads it again
        return result
    result["sidecar"] = str(html)
    if len(raw) > MAX_HTML_BYTES:
        raw = raw[:MAX_HTML_BYTES]
        extra["sidecar_error"] = f"{html.name} is larger than {MAX_HTML_BYTES // 1024} KiB; read the start only"
    text = raw.decode("utf-8", errors="replace").replace("\x00", "")
    parser = _VoicemailHTML()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is tolerant; this is a last resort for odd input
        extra["sidecar_error"] = f"{html.name} is not readable html ({type(exc).__name__})"
    href = (parser.tel_href or "").strip()
    if href.lower().startswith("tel:"):
        href = href[4:]
    number = to_e164(href, region) if href else None
    if number is not None:
        result["caller_number"] = number
    if href:
        result["caller_raw"] = href[:40]
    name = parser.caller_name
    if name is not None:
        if _NUMBERISH.match(name) and (number is None or to_e164(name, region) == number):
            result.setdefault("caller_number", to_e164(name, region))
        else:
            result["caller_name"] = name
    when = parse_published(parser.published)
    if when is not None:
        result["received_at"] = when
        result["received_at_source"] = "google voice html"
    duration = parse_duration(parser.duration)
    if duration is not None:
        result["duration_s"] = duration
    transcript = parser.transcript
    if transcript is not None and transcript.strip().lower() in PLACEHOLDER_TRANSCRIPTS:
        extra["sidecar_placeholder"] = transcript  # Google's "Unable to transcribe this message.": no transcript
    elif transcript is not None:
        result["sidecar_transcript"] = transcript
    if not any(key in result for key in ("caller_number", "caller_name", "received_at", "duration_s", "sidecar_transcript")):
        extra.setdefault("sidecar_error", f"{html.name} has no voicemail details")
    return result


def read(path: Path, stat: os.stat_result | None = None, *, region: str = "US", zone: tzinfo | None = None) -> Found:
    """(`zone` is not needed: Takeout times carry their offset or a Z.)"""
    path = Path(path)
    file_name, file_number, file_time = parse_file_name(path.name, region)
    fields = read_html(page_for(path), region=region)
    extra: dict[str, Any] = fields.pop("extra")
    if file_time is not None:
        extra["file_name_time"] = file_time.isoformat()
    page_time = fields.get("received_at")
    if file_time is not None and page_time is not None and abs((page_time - file_time).total_seconds()) > DISAGREE_S:
        # The name is Google's per-call name (and what the page's own visible text shows in the
        # known case): it wins, and the row says the page contradicts itself.
        fields["source_note"] = (
            f"The Takeout page's time ({page_time.isoformat()}) and its file name's "
            f"({file_time.strftime('%Y-%m-%dT%H:%M:%SZ')}) disagree; using the file name's."
        )
        fields["received_at"], fields["received_at_source"] = file_time, "file name (page disagrees)"
    fields.setdefault("caller_number", file_number)
    fields.setdefault("caller_name", file_name)
    if fields["caller_name"] is not None and fields["caller_number"] is not None:
        if to_e164(fields["caller_name"], region) == fields["caller_number"]:
            fields["caller_name"] = None
    if "received_at" not in fields:
        if file_time is not None:
            fields["received_at"], fields["received_at_source"] = file_time, "file name"
        else:
            try:
                seconds = stat.st_mtime if stat is not None else path.stat().st_mtime
            except OSError:
                seconds = 0.0
            fields["received_at"] = datetime.fromtimestamp(seconds, tz=timezone.utc)
            fields["received_at_source"] = "mtime"
    fields["source_key"] = source_key(path.name, file_time)
    return Found(path=str(path), layout=LAYOUT, extra=extra, **fields)
