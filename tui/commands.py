"""`transcribe` and `analyze`: the speech model from the command line (in its worker process)."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

from tui.errors import UsageError, UserError
from tui.text import clean, display_path

NO_SPEECH = "No speech — the caller hung up or stayed silent"


def _model_path(config):
    from tui.transcribe.model import resolve

    return resolve(config.transcription.model)


def _threads(config) -> int | None:
    return config.transcription.threads or None


class ProgressBar:
    """One line on stderr, redrawn in place when stderr is a terminal; plain lines otherwise."""

    def __init__(self, total: int, stream=None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()

    def update(self, done: int, label: str) -> None:
        width = 24
        filled = int(width * done / self.total) if self.total else width
        bar = "█" * filled + "░" * (width - filled)
        line = f"{bar} {done}/{self.total} {clean(label, single_line=True, limit=40)}"
        if self.tty:
            self.stream.write("\r\x1b[2K" + line)
            if done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def cmd_transcribe(ctx) -> int:
    from tui.enrich import Enricher

    config = ctx.config
    if not config.transcription.enabled:
        raise UsageError("Transcription is turned off ([transcription] enabled = false).")
    store = ctx.store()
    ids: list[str] = []
    for prefix in ctx.args.ids:
        matches = store.find(prefix)
        if len(matches) != 1:
            what = "no message" if not matches else f"{len(matches)} messages"
            raise UsageError(f"{prefix!r} matches {what}; give more of the id (see: voicemail-tui export --format json).")
        ids.append(matches[0].id)
    model_path = _model_path(config)
    done_event = threading.Event()
    failures: list[str] = []
    bar: ProgressBar | None = None

    def update(message_id, done, total, error) -> None:
        if error:
            failures.append(f"{message_id}: {error}")
        if bar is not None and message_id is not None:
            message = store.get(message_id)
            bar.update(done, os.path.basename(message.path) if message else message_id)
        if done >= total:
            done_event.set()

    enricher = Enricher(store, model_path, threads=_threads(config), language=config.transcription.language,
                        region=config.callback.default_region, on_update=update)
    try:
        if ctx.args.all and not ids:
            ids = [m.id for m in store.messages() if not m.error and not m.missing]
        if ids or ctx.args.all:
            for message_id in ids:
                if store.get(message_id).error:
                    failures.append(f"{message_id}: {store.get(message_id).error}")
            ids = [i for i in ids if not store.get(i).error]
            queued = enricher.queue_pending(ids)
        else:
            queued = enricher.queue_pending()
        if queued == 0:
            print("Nothing to transcribe: every message has a transcript from this model.", file=sys.stderr)
            return 1 if failures else 0
        bar = ProgressBar(queued)
        while not done_event.wait(0.2):
            pass
        # let the second pass (re-reading doubtful numbers) finish
        deadline = 120.0
        while enricher.service.pending and deadline > 0:
            threading.Event().wait(0.2)
            deadline -= 0.2
    finally:
        enricher.close()
    for line in failures:
        print(f"failed: {clean(line, single_line=True)}", file=sys.stderr)
    silent = f" ({enricher.no_speech} without speech)" if enricher.no_speech else ""
    print(f"Transcribed {queued - len(failures)} of {queued} with {enricher.model_name}{silent}.", file=sys.stderr)
    return 1 if failures else 0


def analyze_files(paths: list[Path], config) -> list[dict]:
    """Transcribe and extract each file (no library): the `analyze --json` records, in order."""
    from tui.enrich import REDECODE_BEAM, REDECODE_PAD_S, REDECODE_PROMPT
    from tui.extract import extract
    from tui.extract.names import learn_addressee
    from tui.library import importers
    from tui.transcribe.worker import TranscriberService

    region = config.callback.default_region
    metadata = []
    for path in paths:
        try:
            found = importers.importer_for(path).read(path, path.stat(), region=region)
        except OSError:
            found = None
        metadata.append(found)
    service = TranscriberService(_model_path(config), _threads(config), config.transcription.language)
    results: dict[str, tuple] = {}
    try:
        for index, path in enumerate(paths):
            service.submit(str(index), str(path))
        bar = ProgressBar(len(paths)) if sys.stderr.isatty() else None
        for job_id, transcript, error in service.results():
            results[job_id] = (transcript, error)
            if bar:
                bar.update(len(results), paths[int(job_id)].name)
            if len(results) == len(paths):
                break
        records = []
        # your name as these messages greet you: never taken for a caller's
        addressee = learn_addressee(t.text for t, _ in results.values() if t is not None)
        for index, path in enumerate(paths):
            transcript, error = results[str(index)]
            found = metadata[index]
            kwargs = dict(
                caller_number=found.caller_number if found else None,
                caller_name=found.caller_name if found else None,
                sidecar_transcript=found.sidecar_transcript if found else None,
                region=region,
                addressee=addressee,
            )
            record: dict = {"path": display_path(str(path))}
            if transcript is None:
                record.update(error=error or "transcription failed", transcript=None, callback=None)
                records.append(record)
                continue
            asked: list[tuple[float, float]] = []
            if not transcript.speech:
                # No speech (a hang-up, line noise): no extracted details, the caller ID stays.
                extraction = extract(None, **{**kwargs, "sidecar_transcript": None})
            else:
                extraction = extract(transcript, redecode=lambda s, e: asked.append((s, e)) or None, **kwargs)
            if asked:
                readings = {}
                for n, (start, end) in enumerate(asked):
                    service.submit(f"span{n}", str(path), span=(max(0.0, start - REDECODE_PAD_S), end + REDECODE_PAD_S),
                                   prompt=REDECODE_PROMPT, beam_size=REDECODE_BEAM)
                for job_id, span_transcript, _ in service.results():
                    readings[asked[int(job_id[4:])]] = span_transcript.text if span_transcript else None
                    if len(readings) == len(asked):
                        break
                extraction = extract(transcript, redecode=lambda s, e: readings.get((s, e)), **kwargs)
            record["transcript"] = {
                "text": transcript.text.strip(),
                "segments": [{"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text.strip()}
                             for s in transcript.segments],
                "model": transcript.model,
                "speech": transcript.speech,
            }
            record["caller_id"] = {"number": kwargs["caller_number"], "name": kwargs["caller_name"],
                                   "raw": found.caller_raw if found else None}
            record["callback"] = extraction.as_json()
            records.append(record)
    finally:
        service.close()
    return records


def cmd_analyze(ctx) -> int:
    paths = [Path(p).expanduser() for p in ctx.args.files]
    for path in paths:
        if not path.is_file():
            raise UserError(f"{display_path(str(path))}: no such file.")
    records = analyze_files(paths, ctx.config)
    if ctx.args.json:
        print(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        for record in records:
            print(f"== {record['path']}")
            if record.get("error"):
                print(f"   failed: {clean(record['error'], single_line=True)}")
                continue
            if not record["transcript"]["speech"]:
                print("   " + NO_SPEECH)
            else:
                print("   " + clean(record["transcript"]["text"], single_line=True))
            callback = record["callback"]
            for key in ("name", "company", "request", "number", "extension", "ask_for"):
                value = callback.get(key)
                if value:
                    doubt = "  (check)" if callback["confidence"].get(key) == "low" else ""
                    print(f"   {key.replace('_', ' '):10} {clean(value, single_line=True)}{doubt}")
            if callback.get("number_note"):
                print("   " + clean(callback["number_note"], single_line=True))
    return 1 if any(r.get("error") for r in records) else 0
