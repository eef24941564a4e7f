"""Transcript in, callback details out: the one path by which automatic results reach the library.

Used by the app's background queue, `voicemail-tui transcribe` and (without a library) `analyze`.
Fields you edited are never touched (the store guarantees it); fields the extractor could not
find keep what they had (e.g. the caller ID as the number to call).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from tui.extract import Extraction, extract
from tui.extract.names import learn_addressee
from tui.library.models import Transcript
from tui.library.store import Store


def extract_for(store: Store, message_id: str, transcript: Transcript | None, *, region: str,
                redecode: Callable[[float, float], str | None] | None = None) -> Extraction | None:
    message = store.get(message_id)
    if message is None:
        return None
    return extract(
        transcript,
        caller_number=message.caller_number,
        caller_name=message.caller_name,
        sidecar_transcript=message.sidecar_transcript,
        region=region,
        redecode=redecode,
        contact=(message.contact.name, message.contact.organization) if message.contact else None,
        addressee=addressee(store),
    )


# What each open library has learned, and from how many transcripts. Reading every opening costs
# about 0.1 s at 10k transcripts, so a large library learns again only when it has grown a tenth.
_LEARNED: weakref.WeakKeyDictionary[Store, tuple[int, frozenset[str]]] = weakref.WeakKeyDictionary()


def addressee(store: Store) -> frozenset[str]:
    """Your name as your callers greet you, learned from every transcript in the library."""
    count = store.transcript_count()
    known = _LEARNED.get(store)
    if known is None or (count != known[0] and (count < 200 or count > known[0] * 1.1)):
        known = (count, learn_addressee(store.transcript_openings()))
        _LEARNED[store] = known
    return known[1]


def enrich(store: Store, message_id: str, transcript: Transcript, *, region: str,
           redecode: Callable[[float, float], str | None] | None = None) -> Extraction | None:
    """Store the transcript, extract the callback details from it and store them.

    A message without speech gets no extracted details (earlier ones are forgotten): the caller
    ID stays the way back."""
    store.save_transcript(message_id, transcript)
    if not transcript.speech:
        store.clear_extracted(message_id)
        return None
    extraction = extract_for(store, message_id, transcript, region=region, redecode=redecode)
    if extraction is None:
        return None
    found = {name: field for name, field in extraction.fields.items() if field.value is not None}
    store.apply_extraction(
        message_id,
        found,
        alt_numbers=extraction.alt_numbers,
        number_note=extraction.number_note,
        number_differs=extraction.number_differs_from_caller_id,
        no_call=extraction.no_call,
    )
    return extraction


# Re-reading a doubtful number: a prompt that favours digits, and beam search.
REDECODE_PROMPT = "The phone number is"  # what bench.extract_eval measured
REDECODE_BEAM = 5
REDECODE_PAD_S = 0.4


# The worker's words for a failure that is not the audio's: an unexpected exception in the child,
# or the file gone for now (a sync in progress). "failed" would stop the message being tried again.
_TRANSIENT_ERRORS = ("transcription failed: ", ": no such file", ": ffmpeg is not installed", "Input/output error",
                     "Too many open files", "Cannot allocate memory", "Permission denied", "Resource temporarily unavailable")


def is_transient(error: str | None) -> bool:
    return bool(error) and any(marker in error for marker in _TRANSIENT_ERRORS)


class Enricher:
    """Background transcription + extraction for the library, in newest-first order, except that
    `prioritize()` puts the messages in front of the person first.

    The speech model runs in the supervised worker process (tui.transcribe.worker). Results are
    stored from the service's thread (the store gives each thread its own connection) and
    reported through `on_update(message_id, done, total, error)`. When the extractor finds a
    number it cannot trust, the number's span is re-decoded (digit prompt, beam search) as a
    second pass, and the extraction is run again with that reading.
    """

    def __init__(self, store: Store, model_path, *, threads: int | None, language: str, region: str,
                 on_update: Callable[[str | None, int, int, str | None], None] | None = None,
                 log_path=None) -> None:
        from tui.transcribe.engine import model_name_for
        from tui.transcribe.worker import TranscriberService

        self.store = store
        self.region = region
        self.model_name = model_name_for(model_path)
        self.on_update = on_update
        self.done = 0
        self.total = 0
        self.no_speech = 0  # messages found to hold no speech (hang-ups, line noise)
        self._queued: set[str] = set()
        self._spans: dict[str, dict[tuple[float, float], str | None]] = {}
        self._waiting: dict[str, int] = {}
        self._paths: dict[str, str] = {}
        self._running: str | None = None
        self._urgent: set[str] = set()  # messages put first: their number re-readings go first too
        self.service = TranscriberService(model_path, threads or None, language, on_result=self._on_result,
                                          on_start=self._on_start, log_path=log_path)

    # -- queue ---------------------------------------------------------------------------------
    def queue_pending(self, ids: list[str] | None = None) -> int:
        """Queue messages without a transcript from this model (or `ids`), newest first."""
        pending = self.store.needing_transcript(self.model_name) if ids is None else ids
        added = 0
        for message_id in pending:
            if message_id in self._queued:
                continue
            message = self.store.get(message_id)
            if message is None or message.error or message.missing:
                continue
            self._queued.add(message_id)
            self._paths[message_id] = message.audio
            self.store.set_transcript_status(message_id, "pending")
            self.total += 1  # before the job can start and report progress
            self.service.submit(message_id, message.audio)
            added += 1
        return added

    def prioritize(self, message_ids: list[str]) -> list[str]:
        """The messages in front of the person (playing, highlighted), in this order, go before every
        other queued one; the message being transcribed now finishes first. Returns those moved."""
        wanted = [m for m in dict.fromkeys(message_ids) if m]
        if not wanted:
            return []
        queued = self.service.queued()
        order: list[str] = []
        for message_id in wanted:
            order.append(message_id)
            order += [j for j in queued if j.startswith(f"span\x00{message_id}\x00")]
        moved = self.service.prioritize(order)
        self._urgent.update(m for m in wanted if m in moved)
        return [m for m in wanted if m in moved]

    def close(self) -> None:
        self.service.close()

    def _on_start(self, job_id: str) -> None:
        """The service hands a job to the engine: that message, and only it, is 'transcribing'."""
        if job_id.startswith("span\x00"):
            return
        previous, self._running = self._running, job_id
        try:
            if previous and previous != job_id and previous in self._queued:
                # it waits at a window boundary while the message in front of the person runs
                self.store.set_transcript_status(previous, "pending")
                if self.on_update is not None:
                    self.on_update(previous, self.done, self.total, None)
            self.store.set_transcript_status(job_id, "transcribing")
        except Exception:  # a store failure must not stop the queue
            return
        if self.on_update is not None:
            self.on_update(job_id, self.done, self.total, None)

    # -- results (service thread) -------------------------------------------------------------------
    def _on_result(self, job_id: str, transcript: Transcript | None, error: str | None) -> None:
        is_span = job_id.startswith("span\x00")
        message_id = job_id.split("\x00")[1] if is_span else job_id
        try:
            if is_span:
                self._on_span(job_id, transcript, error)
            else:
                self._queued.discard(message_id)
                self.done += 1
                if transcript is None:
                    self._urgent.discard(message_id)
                if transcript is None and is_transient(error):
                    self.store.set_transcript_status(message_id, None, f"will retry: {error}")
                elif transcript is None:
                    self.store.set_transcript_status(message_id, "failed", error or "transcription failed")
                else:
                    self._first_pass(message_id, transcript)
        except Exception as exc:  # noqa: BLE001 - a store or extractor failure must not stop the queue
            # Ours, not the audio's: the message is left to be transcribed again (issue #16), never "failed".
            error = f"{type(exc).__name__}: {exc}"
            try:
                self.store.set_transcript_status(message_id, None, f"will retry: {error}")
            except Exception:  # noqa: BLE001 - the store itself failed; the next queue_pending tries again
                pass
        if self.on_update is not None:
            self.on_update(message_id, self.done, self.total, error)

    def _first_pass(self, message_id: str, transcript: Transcript) -> None:
        self.no_speech += not transcript.speech
        asked: list[tuple[float, float]] = []

        def record(start: float, end: float) -> str | None:
            asked.append((start, end))
            return None

        enrich(self.store, message_id, transcript, region=self.region, redecode=record)
        spans = list(dict.fromkeys((round(s, 2), round(e, 2)) for s, e in asked))
        urgent = message_id in self._urgent
        self._urgent.discard(message_id)
        if not spans:
            return
        self._spans[message_id] = {}
        self._waiting[message_id] = len(spans)
        for start, end in spans:
            self.service.submit(
                f"span\x00{message_id}\x00{start}\x00{end}",
                self._paths[message_id],
                span=(max(0.0, start - REDECODE_PAD_S), end + REDECODE_PAD_S),
                prompt=REDECODE_PROMPT,
                beam_size=REDECODE_BEAM,
                front=urgent,
            )

    def _on_span(self, job_id: str, transcript: Transcript | None, error: str | None) -> None:
        _, message_id, start, end = job_id.split("\x00")
        readings = self._spans.setdefault(message_id, {})
        readings[(float(start), float(end))] = transcript.text if transcript is not None else None
        self._waiting[message_id] = self._waiting.get(message_id, 1) - 1
        if self._waiting[message_id] > 0:
            return
        del self._waiting[message_id]
        readings = self._spans.pop(message_id)
        stored = self.store.transcript(message_id, self.model_name)
        if stored is None:
            return
        enrich(self.store, message_id, stored, region=self.region,
               redecode=lambda s, e: readings.get((round(s, 2), round(e, 2))))
