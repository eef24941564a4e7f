"""`voicemail-tui doctor`: is everything this machine needs here? One line per check."""

from __future__ import annotations

import os
import sys

from tui.errors import UserError
from tui.text import clean


def run_doctor(ctx) -> int:
    from tui.audio.ffmpeg import ffmpeg_status

    failures = 0

    def line(ok: bool | None, what: str, detail: str) -> None:
        nonlocal failures
        mark = {True: "ok  ", False: "FAIL", None: "warn"}[ok]
        if ok is False:
            failures += 1
        print(f"{mark} {what:<14} {clean(detail, single_line=True)}")

    config = ctx.config
    line(True, "config", config.path if config.path and os.path.exists(config.path) else "defaults (no config file)")

    ok, detail = ffmpeg_status()
    line(ok, "ffmpeg", detail)

    line(*_audio(config))
    model = _model(config)
    line(*model)
    if model[0]:
        from tui.transcribe.engine import build_info

        line(True, "speech engine", build_info())

    if not ctx.db_path.exists():
        line(True, "library", f"{ctx.db_path} (not created yet: the first scan creates it)")
    else:
        _library(ctx, line)

    if not ctx.sources:
        line(None, "sources", "no voicemail folders configured ([sources] folders or --source DIR)")
    for folder in ctx.sources:
        _source(folder, line)
    if config.contacts.paths:
        _contacts(config, line)
    if failures:
        print(f"{failures} problem{'s' if failures != 1 else ''} found.", file=sys.stderr)
        return 1
    return 0


def _contacts(config, line) -> None:
    from tui.library.contacts import load

    contacts = load(config.contact_paths(), config.callback.default_region)
    numbers = len(contacts.by_number)
    line(True, "contacts", f"{contacts.count} contact{'s' if contacts.count != 1 else ''} "
                           f"({numbers} phone number{'s' if numbers != 1 else ''})")
    for path, reason in contacts.problems:
        line(None, "contacts", f"{path}: skipped ({reason})")


def _source(folder, line) -> None:
    from tui.library.source_kind import describe

    if folder.is_file():
        if not os.access(folder, os.R_OK):
            line(False, "sources", f"{folder}: not readable")
        elif describe(folder) == "mbox":
            line(True, "sources", f"{folder} (mbox)")
        else:
            line(False, "sources", f"{folder}: a file that is no mbox (a source is a folder, a Maildir or an mbox)")
    elif not folder.is_dir():
        line(False, "sources", f"{folder}: not found")
    elif not os.access(folder, os.R_OK | os.X_OK):
        line(False, "sources", f"{folder}: not readable")
    else:
        line(True, "sources", f"{folder} ({describe(folder)})")


def _audio(config) -> tuple[bool | None, str, str]:
    spec = config.audio.output
    if spec == "null" or spec.startswith("file:"):
        return True, "audio", f"{spec} (plays in real time without a device: silent)"
    from tui.audio.probe import probe

    result = probe(timeout_s=3.0)
    if spec in ("auto", "pacat", "sounddevice") and not result.ok:
        return False, "audio", result.reason or "no sound server"
    from tui.audio.outputs import default_buffer_ms

    buffer_ms = config.audio.buffer_ms or default_buffer_ms()
    where = f"server {result.server}" + (f", sink {result.sink}" if getattr(result, "sink", None) else "")
    return True, "audio", f"{spec}: {where}, buffer {buffer_ms} ms"


def _model(config) -> tuple[bool | None, str, str]:
    if not config.transcription.enabled:
        return None, "speech model", "transcription is turned off ([transcription] enabled = false)"
    try:
        from tui.transcribe.model import resolve
    except ImportError as exc:
        return False, "speech model", f"transcription support is not installed ({exc.name}); see README"
    try:
        path = resolve(config.transcription.model)
    except UserError as exc:
        return False, "speech model", str(exc)
    return True, "speech model", str(path)


def _library(ctx, line) -> None:
    try:
        store = ctx.store()
        line(True, "library", f"{ctx.db_path} ({store.count()} messages, schema {store.schema_version()})")
        content, transient = store.error_counts()
        if content:
            line(None, "files", f"{content} unreadable: content (not usable audio; shown as errors in the list)")
        if transient:
            line(None, "files", f"{transient} could not be read for another reason (I/O, ffprobe): will retry at the next scan")
        store.close()
    except UserError as exc:
        line(False, "library", str(exc))
